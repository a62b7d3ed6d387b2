// The deflate plugin against a real COMPRESS=DEFLATE server: Dovecot's
// imap_zlib, reached through the tunnel plugin (`doveadm exec imap`) as
// interimap reaches a local store. Skipped where Dovecot is not installed.
#include "plugin/loader.hpp"
#include "transports/support/stream_helpers.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <grp.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <string>
#include <unistd.h>

namespace interimap::deflate::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::read_until;
using testing::write_all;

/// Reads until `until` appears, looking only where it could have been
/// completed by the last read: testing::read_until searches everything it
/// has each time, which is slow for a body of several megabytes.
testing::Drained read_through(Stream& stream, std::string_view until) {
    testing::Drained out;
    std::byte buffer[65536];
    std::size_t searched = 0;
    while (out.data.find(until, searched) == std::string::npos) {
        searched = out.data.size() < until.size() ? 0 : out.data.size() - until.size() + 1;
        auto r = stream.read(buffer);
        if (!r) {
            out.error = r.error();
            return out;
        }
        if (r->status == IoResult::Status::eof) {
            out.eof = true;
            return out;
        }
        if (r->status == IoResult::Status::ok)
            out.data.append(reinterpret_cast<const char*>(buffer), r->bytes);
        else if (testing::poll_stream(stream, false, 30s) <= 0) {
            out.timed_out = true;
            return out;
        }
    }
    return out;
}

bool doveadm_installed() {
    return std::system("command -v doveadm >/dev/null 2>&1") == 0;
}

/// A throw-away maildir store with imap_zlib, served as nobody when root
/// (Dovecot refuses to serve mail as root), like tests/integration/lib.sh.
class DovecotStore {
public:
    DovecotStore() {
        char pattern[] = "/tmp/interimap-deflate.XXXXXX";
        dir_ = ::mkdtemp(pattern);
        fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                  fs::perms::others_read | fs::perms::others_exec);
        const bool root = ::getuid() == 0;
        std::ofstream conf(dir_ / "dovecot.conf");
        conf << "log_path = " << (dir_ / "dovecot.log").string() << "\n"
             << "ssl = no\n"
             << "mail_home = " << (dir_ / "home").string() << "\n"
             << "mail_location = maildir:" << (dir_ / "Mail").string() << "\n"
             << (root ? "mail_uid = nobody\nmail_gid = nogroup\n"
                        "first_valid_uid = 0\nfirst_valid_gid = 0\n"
                      : "")
             << "namespace {\n  inbox = yes\n  separator = /\n}\n";
        conf.close();
        if (root) {
            const passwd* nobody = ::getpwnam("nobody");
            const group* nogroup = ::getgrnam("nogroup");
            if (nobody && nogroup && ::chown(dir_.c_str(), nobody->pw_uid, nogroup->gr_gid) != 0)
                ADD_FAILURE() << "cannot give " << dir_ << " to nobody";
        }
        // The zlib plugins for the imap process only: doveadm itself cannot
        // load imap_zlib.
        command_ = std::string(root ? "setpriv --reuid=nobody --regid=nogroup --clear-groups "
                                      "env USER=nobody HOME=/tmp "
                                    : "") +
                   "doveadm -c " + (dir_ / "dovecot.conf").string() +
                   " exec imap -o 'mail_plugins=zlib imap_zlib'";
    }
    ~DovecotStore() {
        std::error_code ignored;
        fs::remove_all(dir_, ignored);
    }
    const std::string& command() const { return command_; }

private:
    fs::path dir_;
    std::string command_;
};

TEST(DeflateWithDovecot, AppendsAndFetchesSeveralMegabytesCompressed) {
    if (!doveadm_installed())
        GTEST_SKIP() << "doveadm is not installed";
    DovecotStore store;
    plugin::PluginLoader loader({INTERIMAP_BUILD_PLUGIN_DIR});
    auto tunnel = loader.make_transport("tunnel");
    ASSERT_TRUE(tunnel) << tunnel.error().message;
    auto compression = loader.make_compression("deflate");
    ASSERT_TRUE(compression) << compression.error().message;

    ConfigSection section("local");
    section.set("type", "tunnel");
    section.set("command", store.command());
    testing::DebugLevelLogger logger;
    auto plain = (*tunnel)->connect(ConnectRequest{section, logger, {"local", ""}}, nullptr);
    ASSERT_TRUE(plain) << plain.error().message;
    auto greeting = read_until(**plain, "\r\n");
    ASSERT_NE(greeting.data.find("COMPRESS=DEFLATE"), std::string::npos) << greeting.data;
    ASSERT_TRUE(write_all(**plain, "c1 COMPRESS DEFLATE\r\n"));
    auto agreed = read_until(**plain, "\r\n");
    ASSERT_TRUE(agreed.data.starts_with("c1 OK ")) << agreed.data;

    auto wrapped = (*compression)->wrap(std::move(*plain));
    ASSERT_TRUE(wrapped) << wrapped.error().message;
    Stream& stream = **wrapped;
    EXPECT_TRUE(stream.describe().starts_with("deflate over tunnel")) << stream.describe();

    std::string body;
    for (int i = 0; body.size() < (4u << 20); ++i)
        body += "Line " + std::to_string(i) + " of a long message, as plain text compresses\r\n";
    ASSERT_TRUE(write_all(stream, "a1 SELECT INBOX\r\na2 APPEND INBOX {" +
                                      std::to_string(body.size()) + "+}\r\n" + body + "\r\n"));
    for (;;) {
        auto f = stream.flush();
        ASSERT_TRUE(f) << f.error().message;
        if (f->status != IoResult::Status::would_block)
            break;
        testing::poll_stream(stream, false, 5s);
    }
    auto appended = read_until(stream, "a2 OK [APPENDUID ", 30s);
    ASSERT_FALSE(appended.error) << appended.error->message;
    ASSERT_FALSE(appended.timed_out) << appended.data;

    ASSERT_TRUE(write_all(stream, "a3 UID FETCH 1 (BODY.PEEK[])\r\n"));
    auto fetched = read_through(stream, "a3 OK ");
    ASSERT_FALSE(fetched.error) << fetched.error->message;
    ASSERT_FALSE(fetched.timed_out) << fetched.data.size() << " bytes";
    EXPECT_NE(fetched.data.find("{" + std::to_string(body.size()) + "}\r\n" + body + ")\r\n"),
              std::string::npos);

    // Bytes on the wire: what compression saved shows in the traffic summary.
    EXPECT_LT(stream.traffic().sent, body.size() / 10);
    EXPECT_LT(stream.traffic().received, body.size() / 10);

    ASSERT_TRUE(write_all(stream, "a4 LOGOUT\r\n"));
    auto bye = read_until(stream);
    ASSERT_FALSE(bye.error) << bye.error->message;
    EXPECT_NE(bye.data.find("a4 OK "), std::string::npos) << bye.data;
    EXPECT_TRUE(bye.eof);
    auto closed = stream.close();
    EXPECT_TRUE(closed) << closed.error().message;
}

} // namespace
} // namespace interimap::deflate::test
