#include "tls_fixtures.hpp"

#include "tcp_transport.hpp"
#include "tls_transport.hpp"

#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <stdexcept>
#include <sys/file.h>
#include <unistd.h>

namespace interimap::testing {

namespace {

// The certificates live in the build tree, shared by the test processes
// that ctest starts (one per test): the first makes them, under a lock, and
// they are made again once a day (they are valid for two).
std::string make_certificates() {
    const std::filesystem::path dir = INTERIMAP_TLS_TEST_CERTS_DIR;
    std::filesystem::create_directories(dir.parent_path());
    int lock = ::open((dir.string() + ".lock").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
    if (lock < 0 || ::flock(lock, LOCK_EX) != 0)
        throw std::runtime_error("can't lock " + dir.string() + ".lock");
    const std::filesystem::path complete = dir / "complete";
    std::error_code error;
    auto made = std::filesystem::last_write_time(complete, error);
    if (error || made < std::filesystem::file_time_type::clock::now() - std::chrono::hours(24)) {
        std::filesystem::remove_all(dir, error);
        std::string command = "bash '" INTERIMAP_TLS_TEST_CERTS_SCRIPT "' '" + dir.string() +
                              "' >/dev/null 2>&1 && touch '" + complete.string() + "'";
        if (std::system(command.c_str()) != 0)
            throw std::runtime_error("failed: " + command);
    }
    ::close(lock); // and unlock
    return dir.string();
}

} // namespace

const std::string& test_certs() {
    static const std::string directory = make_certificates();
    return directory;
}

std::string cert_file(const std::string& name) {
    return test_certs() + "/" + name;
}

std::string spki_of(const std::string& name, const std::string& algorithm) {
    std::ifstream file(cert_file(name + "." + algorithm));
    std::string digest;
    file >> digest;
    return digest;
}

TlsServerSettings presenting(const std::string& name) {
    TlsServerSettings settings;
    settings.cert = cert_file(name + ".pem");
    settings.key = cert_file(name + ".key");
    return settings;
}

bool RecordingLogger::has(LogLevel level, std::string_view text) const {
    for (const auto& [l, message] : lines)
        if (l == level && message.find(text) != std::string::npos)
            return true;
    return false;
}

ConfigSection imaps_section(const std::string& port,
                            const std::vector<std::pair<std::string, std::string>>& options,
                            const std::string& host) {
    ConfigSection section("remote");
    section.set("type", "imaps");
    section.set("host", host);
    section.set("port", port);
    section.set("SSL_CAfile", cert_file("ca.pem"));
    for (const auto& [key, value] : options)
        section.set(key, value);
    return section;
}

Result<StreamPtr> open_imaps(const ConfigSection& section, Logger& logger,
                             std::chrono::milliseconds timeout) {
    ConnectRequest request{section, logger, {"remote", ""}, false, timeout};
    tcp::TcpTransport tcp;
    Result<StreamPtr> lower = tcp.connect(request, nullptr);
    if (!lower)
        return lower;
    tls::TlsTransport tls;
    return tls.connect(request, std::move(*lower));
}

Result<StreamPtr> open_imaps(const ConfigSection& section) {
    NullLogger logger;
    return open_imaps(section, logger);
}

void expect_failure(const Result<StreamPtr>& opened, ErrorCode code,
                    const std::vector<std::string>& parts) {
    ASSERT_FALSE(opened) << "connected";
    EXPECT_EQ(opened.error().code, code) << opened.error().message;
    for (const std::string& part : parts)
        EXPECT_NE(opened.error().message.find(part), std::string::npos)
            << "[" << part << "] not in: " << opened.error().message;
}

} // namespace interimap::testing
