#include "pullimap/delivery_guardian.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <string>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace interimap::pullimap {

/// In a page both processes map: what is in doubt, as pullimap last said.
struct DeliveryGuardian::Shared {
    std::atomic<std::uint32_t> uid{0}; ///< 0: nothing in doubt
    std::atomic<std::uint32_t> replies{0};
    std::atomic<Phase> phase{Phase::none};
};

namespace {

// How long the server may take to answer for a message whose final dot we
// wrote: its commit time, which spam filters can make long. When pullimap
// died while writing it, the dot may never have left: then a short wait.
constexpr int kSentTimeoutMs = 600'000;
constexpr int kSendingTimeoutMs = 5'000;
constexpr char kGoAway = 'q';

std::uint32_t big_endian(const unsigned char* b) {
    return std::uint32_t{b[0]} << 24 | std::uint32_t{b[1]} << 16 | std::uint32_t{b[2]} << 8 | b[3];
}

/// Appends `uid` to the statefile unless it is its last entry already (the
/// kill came between the record and settled()).
bool record(int statefile_fd, std::uint32_t uid) {
    struct stat st {};
    if (::fstat(statefile_fd, &st) != 0 || st.st_size < 8 || st.st_size % 4 != 0)
        return false;
    unsigned char last[4];
    if (st.st_size >= 12 && ::pread(statefile_fd, last, 4, st.st_size - 4) == 4 &&
        big_endian(last) == uid)
        return true;
    const unsigned char bytes[4] = {
        static_cast<unsigned char>(uid >> 24), static_cast<unsigned char>(uid >> 16),
        static_cast<unsigned char>(uid >> 8), static_cast<unsigned char>(uid)};
    // The file was opened with O_DSYNC: on the disk when this returns.
    return ::pwrite(statefile_fd, bytes, 4, st.st_size) == 4;
}

[[noreturn]] void guard(int pipe_fd, int socket_fd, int statefile_fd,
                        DeliveryGuardian::Shared* shared) {
    // Only pullimap's end matters: a service manager stopping it signals
    // us too, and we leave when it tells us (or dies).
    ::signal(SIGTERM, SIG_IGN);
    ::signal(SIGINT, SIG_IGN);
    ::signal(SIGHUP, SIG_IGN);
    ::signal(SIGPIPE, SIG_IGN);
    char c = 0;
    ssize_t n;
    while ((n = ::read(pipe_fd, &c, 1)) < 0 && errno == EINTR) {
    }
    if (n == 1 && c == kGoAway)
        ::_exit(0);
    // End of file: pullimap is gone.
    const std::uint32_t uid = shared->uid.load();
    const auto phase = shared->phase.load();
    const int timeout =
        phase == DeliveryGuardian::Phase::sending ? kSendingTimeoutMs : kSentTimeoutMs;
    if (uid != 0 && phase != DeliveryGuardian::Phase::none &&
        DeliveryGuardian::take_over(socket_fd, statefile_fd, uid, shared->replies.load(), phase,
                                    timeout)) {
        static const char quit[] = "QUIT\r\n";
        (void)!::send(socket_fd, quit, sizeof quit - 1, MSG_NOSIGNAL);
    }
    ::_exit(0);
}

} // namespace

bool DeliveryGuardian::take_over(int socket_fd, int statefile_fd, std::uint32_t uid,
                                 std::uint32_t replies, Phase phase, int timeout_ms) {
    // The reply was read before pullimap died: it is known good.
    if (phase == Phase::accepted)
        return record(statefile_fd, uid);
    std::string input;
    std::uint32_t positive = 0;
    std::uint32_t seen = 0;
    bool reply_positive = true;
    while (seen < replies) {
        pollfd p{socket_fd, POLLIN, 0};
        int r = ::poll(&p, 1, timeout_ms);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        char buffer[4096];
        ssize_t n = ::recv(socket_fd, buffer, sizeof buffer, 0);
        if (n <= 0)
            return false;
        input.append(buffer, static_cast<std::size_t>(n));
        std::size_t nl;
        while (seen < replies && (nl = input.find('\n')) != std::string::npos) {
            std::string line = input.substr(0, nl);
            input.erase(0, nl + 1);
            if (line.size() < 3)
                return false;
            if (line[0] != '2')
                reply_positive = false;
            // "250-..." continues the reply; "250 ..." or "250" ends it.
            if (line.size() == 3 || line[3] != '-') {
                if (reply_positive)
                    ++positive;
                reply_positive = true;
                ++seen;
            }
        }
    }
    return positive == replies && record(statefile_fd, uid);
}

Result<std::unique_ptr<DeliveryGuardian>> DeliveryGuardian::start(int socket_fd, int statefile_fd) {
    void* page =
        ::mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED)
        return Fail(ErrorCode::io, std::string("mmap: ") + std::strerror(errno));
    auto* shared = new (page) Shared;
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        int e = errno;
        ::munmap(page, sizeof(Shared));
        return Fail(ErrorCode::io, std::string("pipe: ") + std::strerror(e));
    }
    pid_t pid = ::fork();
    if (pid < 0) {
        int e = errno;
        ::close(fds[0]);
        ::close(fds[1]);
        ::munmap(page, sizeof(Shared));
        return Fail(ErrorCode::io, std::string("fork: ") + std::strerror(e));
    }
    if (pid == 0) {
        // Keep the three descriptors it needs (and stdio); let go of the
        // rest, so that a tunnel to the IMAP server sees its end at once.
        int keep[3] = {::fcntl(fds[0], F_DUPFD_CLOEXEC, 100),
                       ::fcntl(socket_fd, F_DUPFD_CLOEXEC, 100),
                       ::fcntl(statefile_fd, F_DUPFD_CLOEXEC, 100)};
        for (int i = 0; i < 3; ++i)
            if (keep[i] < 0 || ::dup2(keep[i], 3 + i) < 0)
                ::_exit(1);
        ::close_range(6, ~0U, 0);
        guard(3, 4, 5, shared);
    }
    ::close(fds[0]);
    return std::unique_ptr<DeliveryGuardian>(new DeliveryGuardian(shared, fds[1], pid));
}

DeliveryGuardian::~DeliveryGuardian() {
    const char c = kGoAway;
    (void)!::write(pipe_fd_, &c, 1);
    ::close(pipe_fd_);
    while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
    shared_->~Shared();
    ::munmap(shared_, sizeof(Shared));
}

// The UID and reply count are stored before the phase that makes them
// meaningful; the guardian reads the phase and then them, after pullimap is
// gone, so plain sequentially consistent stores are enough.
void DeliveryGuardian::sending(std::uint32_t uid, std::uint32_t replies) {
    shared_->replies.store(replies);
    shared_->uid.store(uid);
    shared_->phase.store(Phase::sending);
}

void DeliveryGuardian::sent() {
    shared_->phase.store(Phase::sent);
}

void DeliveryGuardian::accepted() {
    shared_->phase.store(Phase::accepted);
}

void DeliveryGuardian::settled() {
    shared_->phase.store(Phase::none);
    shared_->uid.store(0);
}

} // namespace interimap::pullimap
