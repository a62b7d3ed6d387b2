// Statefiles shared with Debian's pullimap 0.5.7, run against a throw-away
// Dovecot store by reference_pullimap.sh; skipped when either is missing.
#include "core/config/temp_env.hpp"
#include "pullimap/statefile.hpp"

#include <array>
#include <cstdio>
#include <gtest/gtest.h>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace interimap::pullimap {
namespace {

using interimap::testing::TempDir;

struct ScriptRun {
    int status = -1;
    std::string output;
};

class ReferencePullimap : public ::testing::Test {
protected:
    void SetUp() override {
        if (::access("/usr/bin/pullimap", X_OK) != 0 || ::access("/usr/bin/doveadm", X_OK) != 0)
            GTEST_SKIP() << "Debian's pullimap or Dovecot is not installed";
        ScriptRun store = script("store 3");
        ASSERT_EQ(store.status, 0) << store.output;
    }

    /// reference_pullimap.sh DIR ARGS, with its output and exit status.
    ScriptRun script(const std::string& args) {
        std::string command = std::string(PULLIMAP_REFERENCE_SCRIPT) + " " + dir_.path().string() +
                              " " + args + " 2>&1";
        ScriptRun run;
        FILE* pipe = ::popen(command.c_str(), "r");
        if (pipe == nullptr)
            return run;
        std::array<char, 4096> buffer{};
        std::size_t n = 0;
        while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
            run.output.append(buffer.data(), n);
        int status = ::pclose(pipe);
        run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        return run;
    }

    /// The mailbox's UIDVALIDITY and UIDNEXT, as Dovecot says.
    std::pair<std::uint32_t, std::uint32_t> mailbox_status() {
        std::istringstream in(script("status").output);
        std::uint32_t uidvalidity = 0;
        std::uint32_t uidnext = 0;
        in >> uidvalidity >> uidnext;
        return {uidvalidity, uidnext};
    }

    std::filesystem::path state() const { return dir_.path() / "state"; }

    /// The statefile as ours reads it.
    Result<StatefileState> read_state() const {
        auto file = Statefile::open(state(), false);
        if (!file)
            return Fail(std::move(file).error());
        return file->read();
    }

    /// Our statefile after its first run's two writes (UIDNEXT 1).
    Result<Statefile> first_run(std::uint32_t uidvalidity) const {
        auto file = Statefile::open(state(), true);
        if (!file)
            return file;
        INTERIMAP_TRY(file->write_uidvalidity(uidvalidity));
        INTERIMAP_TRY(file->write_uidnext(1));
        return file;
    }

    TempDir dir_;
};

TEST_F(ReferencePullimap, ItsStatefileReadsAsTheMailboxStatus) {
    ScriptRun pull = script("pull");
    ASSERT_EQ(pull.status, 0) << pull.output;
    auto [uidvalidity, uidnext] = mailbox_status();
    ASSERT_EQ(uidnext, 4u);

    auto read = read_state();
    ASSERT_TRUE(read) << read.error().message;
    EXPECT_EQ(*read, (StatefileState{uidvalidity, 4, {}}));
}

TEST_F(ReferencePullimap, ContinuesOurInterruptedFetchWithoutDeliveringTwice) {
    auto [uidvalidity, uidnext] = mailbox_status();
    {
        auto file = first_run(uidvalidity);
        ASSERT_TRUE(file) << file.error().message;
        ASSERT_TRUE(file->record_delivered(2)); // then interrupted
    }
    ScriptRun pull = script("pull");
    ASSERT_EQ(pull.status, 0) << pull.output;
    EXPECT_NE(pull.output.find("UID 1 from"), std::string::npos) << pull.output;
    EXPECT_EQ(pull.output.find("UID 2 from"), std::string::npos) << pull.output;
    EXPECT_NE(pull.output.find("UID 3 from"), std::string::npos) << pull.output;

    auto read = read_state();
    ASSERT_TRUE(read) << read.error().message;
    EXPECT_EQ(*read, (StatefileState{uidvalidity, uidnext, {}}));
}

TEST_F(ReferencePullimap, ContinuesOurFinishedFetch) {
    auto [uidvalidity, uidnext] = mailbox_status();
    {
        auto file = first_run(uidvalidity);
        ASSERT_TRUE(file) << file.error().message;
        for (std::uint32_t uid = 1; uid < uidnext; ++uid)
            ASSERT_TRUE(file->record_delivered(uid));
        ASSERT_TRUE(file->finish_fetch(uidnext));
    }
    ASSERT_EQ(script("add 2").status, 0);
    ScriptRun pull = script("pull");
    ASSERT_EQ(pull.status, 0) << pull.output;
    EXPECT_EQ(pull.output.find("UID 3 from"), std::string::npos) << pull.output;
    EXPECT_NE(pull.output.find("UID 4 from"), std::string::npos) << pull.output;
    EXPECT_NE(pull.output.find("UID 5 from"), std::string::npos) << pull.output;

    auto read = read_state();
    ASSERT_TRUE(read) << read.error().message;
    EXPECT_EQ(*read, (StatefileState{uidvalidity, 6, {}}));
}

TEST_F(ReferencePullimap, StopsAtOurLockAsAtItsOwn) {
    auto file = Statefile::open(state(), true);
    ASSERT_TRUE(file) << file.error().message;
    ScriptRun pull = script("pull");
    EXPECT_EQ(pull.status, 11) << pull.output; // EAGAIN, as Perl's die
    EXPECT_NE(
        pull.output.find("Can't lock " + state().string() + ": Resource temporarily unavailable"),
        std::string::npos)
        << pull.output;
    EXPECT_EQ(std::filesystem::file_size(state()), 0u);
}

} // namespace
} // namespace interimap::pullimap
