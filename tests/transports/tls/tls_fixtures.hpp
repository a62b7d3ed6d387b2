// What the tls transport tests share: the certificates made at test time,
// a logger that keeps what it is told, and opening tcp + tls as the program
// does for type = imaps.
#pragma once

#include "tls_test_server.hpp"

#include <chrono>
#include <interimap/config.hpp>
#include <interimap/log.hpp>
#include <interimap/stream.hpp>
#include <string>
#include <utility>
#include <vector>

namespace interimap::testing {

/// The directory of make_test_certs.sh's output, made once per process.
const std::string& test_certs();

/// test_certs()/NAME.
std::string cert_file(const std::string& name);

/// The SubjectPublicKeyInfo digest of certificate NAME ("server", "self") with
/// `algorithm` (sha256 or sha1), as made by the openssl command.
std::string spki_of(const std::string& name, const std::string& algorithm = "sha256");

/// A server presenting certificate NAME.
TlsServerSettings presenting(const std::string& name);

class RecordingLogger final : public Logger {
public:
    explicit RecordingLogger(int level = 0) : level_(level) {}
    void write(LogLevel level, const LogContext&, std::string_view message) override {
        lines.emplace_back(level, std::string(message));
    }
    int debug_level() const override { return level_; }
    /// True when a line at `level` contains `text`.
    bool has(LogLevel level, std::string_view text) const;

    std::vector<std::pair<LogLevel, std::string>> lines;

private:
    int level_;
};

/// A [remote] section with type = imaps, host = `host`, port = `port`,
/// SSL_CAfile = the test CA, then `options` (set after, so they override).
ConfigSection imaps_section(const std::string& port,
                            const std::vector<std::pair<std::string, std::string>>& options = {},
                            const std::string& host = "localhost");

/// tcp then tls over it, as the program opens type = imaps.
Result<StreamPtr> open_imaps(const ConfigSection& section, Logger& logger,
                             std::chrono::milliseconds timeout = std::chrono::seconds(5));
Result<StreamPtr> open_imaps(const ConfigSection& section);

/// Checks (gtest) that `opened` failed with `code` and a message that
/// contains each of `parts`.
void expect_failure(const Result<StreamPtr>& opened, ErrorCode code,
                    const std::vector<std::string>& parts);

} // namespace interimap::testing
