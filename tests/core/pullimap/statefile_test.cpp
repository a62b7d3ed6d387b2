#include "core/config/temp_env.hpp"
#include "pullimap/statefile.hpp"

#include <cstdio>
#include <fcntl.h>
#include <fstream>
#include <gtest/gtest.h>
#include <iterator>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace interimap::pullimap {
namespace {

using interimap::testing::ScopedEnv;
using interimap::testing::TempDir;

std::string contents(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The open flags of this process's descriptor for `path`, from /proc.
std::optional<unsigned long> open_flags(const std::filesystem::path& path) {
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
        std::error_code ec;
        if (std::filesystem::read_symlink(entry.path(), ec) != path)
            continue;
        std::ifstream info("/proc/self/fdinfo/" + entry.path().filename().string());
        std::string key;
        while (info >> key)
            if (key == "flags:") {
                std::string octal;
                info >> octal;
                return std::stoul(octal, nullptr, 8);
            }
    }
    return std::nullopt;
}

TEST(Statefile, CreatesAnEmptyPrivateFileWithNoState) {
    TempDir dir;
    auto path = dir.path() / "acct";
    mode_t old_umask = ::umask(022);
    auto file = Statefile::open(path, true);
    ::umask(old_umask);
    ASSERT_TRUE(file) << file.error().message;
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    EXPECT_EQ(st.st_size, 0);
    auto state = file->read();
    ASSERT_TRUE(state) << state.error().message;
    EXPECT_EQ(*state, StatefileState{});
}

TEST(Statefile, OpensWithDsyncAndCloexec) {
    TempDir dir;
    auto path = dir.path() / "acct";
    auto file = Statefile::open(path, true);
    ASSERT_TRUE(file) << file.error().message;
    auto flags = open_flags(path);
    ASSERT_TRUE(flags);
    EXPECT_EQ(*flags & O_DSYNC, static_cast<unsigned long>(O_DSYNC));
    EXPECT_EQ(*flags & O_CLOEXEC, static_cast<unsigned long>(O_CLOEXEC));
    EXPECT_EQ(*flags & O_ACCMODE, static_cast<unsigned long>(O_RDWR));
}

TEST(Statefile, WithoutCreateAMissingFileIsAnError) {
    // As the reference under --idle: "Can't open PATH: No such file or directory".
    TempDir dir;
    auto path = dir.path() / "acct";
    auto file = Statefile::open(path, false);
    ASSERT_FALSE(file);
    EXPECT_EQ(file.error().code, ErrorCode::not_found);
    EXPECT_EQ(file.error().message, "Can't open " + path.string() + ": No such file or directory");
    EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(Statefile, ADirectoryIsNotAStatefile) {
    TempDir dir;
    auto file = Statefile::open(dir.path(), true);
    ASSERT_FALSE(file);
    EXPECT_NE(file.error().message.find(dir.path().string()), std::string::npos);
}

TEST(Statefile, EachCallIsInTheFileWhenItReturns) {
    TempDir dir;
    auto path = dir.path() / "acct";
    auto file = Statefile::open(path, true);
    ASSERT_TRUE(file) << file.error().message;

    // A first run: UIDVALIDITY, then UIDNEXT 1, as two writes.
    ASSERT_TRUE(file->write_uidvalidity(0x6b01a038));
    EXPECT_EQ(contents(path), std::string("\x6b\x01\xa0\x38", 4));
    ASSERT_TRUE(file->write_uidnext(1));
    EXPECT_EQ(contents(path), std::string("\x6b\x01\xa0\x38\0\0\0\x01", 8));

    // A fetch: one UID appended per delivered message.
    ASSERT_TRUE(file->record_delivered(1));
    EXPECT_EQ(contents(path), std::string("\x6b\x01\xa0\x38\0\0\0\x01\0\0\0\x01", 12));
    ASSERT_TRUE(file->record_delivered(0x01020304));
    EXPECT_EQ(contents(path),
              std::string("\x6b\x01\xa0\x38\0\0\0\x01\0\0\0\x01\x01\x02\x03\x04", 16));

    // Its end: the new UIDNEXT, and the delivered UIDs forgotten.
    ASSERT_TRUE(file->finish_fetch(0x01020305));
    EXPECT_EQ(contents(path), std::string("\x6b\x01\xa0\x38\x01\x02\x03\x05", 8));

    // The next fetch appends after byte 8 again.
    ASSERT_TRUE(file->record_delivered(0x01020305));
    EXPECT_EQ(contents(path), std::string("\x6b\x01\xa0\x38\x01\x02\x03\x05\x01\x02\x03\x05", 12));
}

TEST(Statefile, RoundTripThroughAReopen) {
    TempDir dir;
    auto path = dir.path() / "acct";
    {
        auto file = Statefile::open(path, true);
        ASSERT_TRUE(file) << file.error().message;
        ASSERT_TRUE(file->write_uidvalidity(0xfffffffe));
        ASSERT_TRUE(file->write_uidnext(42));
        ASSERT_TRUE(file->record_delivered(45));
        ASSERT_TRUE(file->record_delivered(43));
    } // interrupted: the delivered UIDs stay
    auto file = Statefile::open(path, false);
    ASSERT_TRUE(file) << file.error().message;
    auto state = file->read();
    ASSERT_TRUE(state) << state.error().message;
    EXPECT_EQ(state->uidvalidity, 0xfffffffeu);
    EXPECT_EQ(state->uidnext, 42u);
    EXPECT_EQ(state->delivered, (std::vector<std::uint32_t>{45, 43}));

    // A UID delivered after the reopen goes after those already there.
    ASSERT_TRUE(file->record_delivered(46));
    state = file->read();
    ASSERT_TRUE(state);
    EXPECT_EQ(state->delivered, (std::vector<std::uint32_t>{45, 43, 46}));

    ASSERT_TRUE(file->finish_fetch(47));
    state = file->read();
    ASSERT_TRUE(state);
    EXPECT_EQ(*state, (StatefileState{0xfffffffe, 47, {}}));
}

TEST(Statefile, ReadsAFileWrittenByTheReference) {
    // Written by Debian's pullimap 0.5.7 (--no-delivery, a mailbox with
    // UIDVALIDITY 1795268664 and UIDNEXT 4), then an interrupted fetch that
    // had delivered UIDs 4 and 6. statefile_reference_test does the same with
    // the real program when it is installed.
    TempDir dir;
    auto path =
        dir.write("acct", std::string("\x6b\x01\xa0\x38\0\0\0\x04\0\0\0\x04\0\0\0\x06", 16));
    auto file = Statefile::open(path, false);
    ASSERT_TRUE(file) << file.error().message;
    auto state = file->read();
    ASSERT_TRUE(state) << state.error().message;
    EXPECT_EQ(*state, (StatefileState{1795268664, 4, {4, 6}}));
}

TEST(Statefile, FourBytesIsAnInterruptedFirstRun) {
    // The reference writes UIDVALIDITY and UIDNEXT separately, and accepts a
    // file holding only the former (then starting from UIDNEXT 1).
    TempDir dir;
    auto path = dir.write("acct", std::string("\x6b\x01\xa0\x38", 4));
    auto file = Statefile::open(path, false);
    ASSERT_TRUE(file) << file.error().message;
    auto state = file->read();
    ASSERT_TRUE(state) << state.error().message;
    EXPECT_EQ(state->uidvalidity, 1795268664u);
    EXPECT_FALSE(state->uidnext);
    EXPECT_FALSE(file->record_delivered(1)); // not before UIDNEXT
    ASSERT_TRUE(file->write_uidnext(1));
    EXPECT_EQ(contents(path), std::string("\x6b\x01\xa0\x38\0\0\0\x01", 8));
}

class CorruptSize : public ::testing::TestWithParam<std::size_t> {};

TEST_P(CorruptSize, IsAnErrorNamingTheFile) {
    TempDir dir;
    auto path = dir.write("acct", std::string(GetParam(), '\x01'));
    auto file = Statefile::open(path, false);
    ASSERT_TRUE(file) << file.error().message;
    auto state = file->read();
    ASSERT_FALSE(state);
    EXPECT_EQ(state.error().message, "Corrupted state file " + path.string() + ": " +
                                         std::to_string(GetParam()) +
                                         " bytes, not a whole number of 32-bit integers");
    EXPECT_FALSE(file->record_delivered(1));
    EXPECT_EQ(contents(path).size(), GetParam()); // left alone
}

INSTANTIATE_TEST_SUITE_P(Statefile, CorruptSize, ::testing::Values(1, 2, 3, 5, 6, 7, 9, 14));

TEST(Statefile, WritesOutOfOrderAreRefused) {
    TempDir dir;
    auto path = dir.path() / "acct";
    auto file = Statefile::open(path, true);
    ASSERT_TRUE(file) << file.error().message;
    // A hole of zeroes would read back as UIDVALIDITY 0.
    auto uidnext = file->write_uidnext(1);
    ASSERT_FALSE(uidnext);
    EXPECT_EQ(uidnext.error().code, ErrorCode::internal);
    EXPECT_FALSE(file->record_delivered(1));
    EXPECT_FALSE(file->finish_fetch(2));
    EXPECT_EQ(contents(path), "");
}

TEST(Statefile, ASecondOpenFailsAtOnceNamingTheFile) {
    TempDir dir;
    auto path = dir.path() / "acct";
    auto first = Statefile::open(path, true);
    ASSERT_TRUE(first) << first.error().message;
    auto second = Statefile::open(path, true);
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, ErrorCode::locked);
    // The reference's wording (it adds " at /usr/bin/pullimap line 92.").
    EXPECT_EQ(second.error().message,
              "Can't lock " + path.string() + ": Resource temporarily unavailable");

    // The failed open closed its own descriptor only: the lock still holds.
    EXPECT_FALSE(Statefile::open(path, true));
    // Moving keeps the lock; destroying releases it.
    Statefile moved = std::move(*first);
    EXPECT_FALSE(Statefile::open(path, true));
    { Statefile gone = std::move(moved); }
    EXPECT_TRUE(Statefile::open(path, true));
}

/// Forks a child that takes the reference's kind of lock, fcntl(F_SETLK) on
/// the whole file, and holds it until the parent closes `release`.
class ForeignLock {
public:
    explicit ForeignLock(const std::filesystem::path& path) {
        int ready[2];
        int release[2];
        if (::pipe(ready) != 0 || ::pipe(release) != 0)
            return;
        pid_ = ::fork();
        if (pid_ == 0) {
            ::close(ready[0]);
            ::close(release[1]);
            int fd = ::open(path.c_str(), O_RDWR | O_CREAT, 0600);
            struct flock lock {};
            lock.l_type = F_WRLCK;
            lock.l_whence = SEEK_SET;
            char ok = fd >= 0 && ::fcntl(fd, F_SETLK, &lock) == 0 ? 'y' : 'n';
            (void)!::write(ready[1], &ok, 1);
            char c;
            (void)!::read(release[0], &c, 1);
            ::_exit(0);
        }
        ::close(ready[1]);
        ::close(release[0]);
        release_ = release[1];
        char ok = 'n';
        locked_ = ::read(ready[0], &ok, 1) == 1 && ok == 'y';
        ::close(ready[0]);
    }
    ~ForeignLock() { release(); }
    ForeignLock(const ForeignLock&) = delete;
    ForeignLock& operator=(const ForeignLock&) = delete;

    bool locked() const { return locked_; }
    void release() {
        if (release_ >= 0)
            ::close(release_);
        release_ = -1;
        if (pid_ > 0)
            ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }

private:
    pid_t pid_ = -1;
    int release_ = -1;
    bool locked_ = false;
};

TEST(Statefile, ALockHeldByAnotherProcessFailsAtOnce) {
    TempDir dir;
    auto path = dir.path() / "acct";
    ForeignLock other(path);
    ASSERT_TRUE(other.locked());
    auto file = Statefile::open(path, true);
    ASSERT_FALSE(file);
    EXPECT_EQ(file.error().code, ErrorCode::locked);
    EXPECT_EQ(file.error().message,
              "Can't lock " + path.string() + ": Resource temporarily unavailable");
    other.release();
    EXPECT_TRUE(Statefile::open(path, true));
}

TEST(Statefile, OurLockStopsAnotherProcess) {
    TempDir dir;
    auto path = dir.path() / "acct";
    auto file = Statefile::open(path, true);
    ASSERT_TRUE(file) << file.error().message;
    ForeignLock other(path);
    EXPECT_FALSE(other.locked());
}

TEST(StatefilePath, DefaultsToTheSectionUnderXdgDataHome) {
    TempDir dir;
    ScopedEnv data("XDG_DATA_HOME", dir.path().string());
    auto path = statefile_path(std::nullopt, "acct");
    ASSERT_TRUE(path) << path.error().message;
    EXPECT_EQ(*path, dir.path() / "pullimap" / "acct");
    struct stat st {};
    ASSERT_EQ(::stat((dir.path() / "pullimap").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0700u);
}

TEST(StatefilePath, TheOptionIsRelativeToTheDataDirectoryUnlessAbsolute) {
    TempDir dir;
    ScopedEnv data("XDG_DATA_HOME", dir.path().string());
    auto relative = statefile_path(std::string("sub/state"), "acct");
    ASSERT_TRUE(relative) << relative.error().message;
    EXPECT_EQ(*relative, dir.path() / "pullimap" / "sub" / "state");
    auto absolute = statefile_path(std::string("/var/lib/state"), "acct");
    ASSERT_TRUE(absolute) << absolute.error().message;
    EXPECT_EQ(*absolute, "/var/lib/state");
}

TEST(StatefilePath, HomeFallback) {
    TempDir dir;
    ScopedEnv data("XDG_DATA_HOME", std::nullopt);
    ScopedEnv home("HOME", dir.path().string());
    auto path = statefile_path(std::nullopt, "acct");
    ASSERT_TRUE(path) << path.error().message;
    EXPECT_EQ(*path, dir.path() / ".local" / "share" / "pullimap" / "acct");
}

} // namespace
} // namespace interimap::pullimap
