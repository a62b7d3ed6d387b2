#include "app/termination.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace interimap::app {

namespace {

// What the handler may touch: a flag and a pipe (write(2) is
// async-signal-safe).
volatile std::sig_atomic_t g_requested = 0;
int g_pipe[2] = {-1, -1};

extern "C" void on_sigterm(int) {
    const int saved = errno;
    g_requested = 1;
    (void)!::write(g_pipe[1], "", 1);
    errno = saved;
}

} // namespace

Result<std::unique_ptr<Termination>> Termination::catch_sigterm() {
    // Close-on-exec: the tunnel commands must not inherit the pipe.
    if (::pipe2(g_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return Fail(ErrorCode::io, std::string("pipe: ") + std::strerror(errno));
    g_requested = 0;
    struct sigaction action {};
    action.sa_handler = on_sigterm;
    sigemptyset(&action.sa_mask);
    // Interrupted reads and writes resume; poll(2) returns EINTR anyway.
    action.sa_flags = SA_RESTART;
    if (::sigaction(SIGTERM, &action, nullptr) != 0) {
        const int e = errno;
        ::close(g_pipe[0]);
        ::close(g_pipe[1]);
        g_pipe[0] = g_pipe[1] = -1;
        return Fail(ErrorCode::io, std::string("sigaction: ") + std::strerror(e));
    }
    return std::unique_ptr<Termination>(new Termination());
}

Termination::~Termination() {
    ::signal(SIGTERM, SIG_DFL);
    ::close(g_pipe[0]);
    ::close(g_pipe[1]);
    g_pipe[0] = g_pipe[1] = -1;
}

bool Termination::requested() const {
    return g_requested != 0;
}

void Termination::sleep(std::chrono::milliseconds duration) const {
    const auto deadline = std::chrono::steady_clock::now() + duration;
    while (!requested()) {
        auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline -
                                                                 std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return;
        pollfd p{g_pipe[0], POLLIN, 0};
        (void)::poll(&p, 1, static_cast<int>(left.count()));
    }
}

PollRequest Termination::poll_request() const {
    return {g_pipe[0], POLLIN};
}

} // namespace interimap::app
