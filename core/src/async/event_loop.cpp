#include "async/event_loop.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <poll.h>
#include <string>

namespace interimap::async {

void EventLoop::add(Pollable* p) {
    pollables_.push_back(p);
}

void EventLoop::remove(Pollable* p) {
    pollables_.erase(std::remove(pollables_.begin(), pollables_.end(), p), pollables_.end());
}

void EventLoop::resume_ready() {
    while (!ready_.empty()) {
        auto h = ready_.front();
        ready_.pop_front();
        h.resume();
    }
}

Result<void> EventLoop::run_until(const std::function<bool()>& done,
                                  std::chrono::milliseconds idle_timeout) {
    using clock = std::chrono::steady_clock;
    for (;;) {
        resume_ready();
        if (done())
            return ok();

        std::vector<pollfd> fds;
        std::vector<Pollable*> owners;
        bool immediate = false;
        for (Pollable* p : pollables_) {
            if (p->ready_without_poll()) {
                immediate = true;
                INTERIMAP_TRY(p->on_ready(0));
                continue;
            }
            PollRequest r = p->poll_request();
            if (r.fd < 0 || r.events == 0)
                continue;
            fds.push_back(pollfd{r.fd, r.events, 0});
            owners.push_back(p);
        }
        if (immediate)
            continue;
        if (fds.empty() && ready_.empty()) {
            if (done())
                return ok();
            return Fail(ErrorCode::internal, "event loop stalled: nothing to wait for");
        }

        // Wake up at the earliest idle deadline of a connection awaiting its server.
        auto now = clock::now();
        auto wait = idle_timeout;
        for (Pollable* p : owners)
            if (p->awaiting_server()) {
                auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    p->last_activity() + idle_timeout - now);
                wait = std::min(wait, std::max(left, std::chrono::milliseconds(0)));
            }
        int n = ::poll(fds.data(), fds.size(), static_cast<int>(wait.count()));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return Fail(ErrorCode::io, std::string("poll: ") + std::strerror(errno));
        }
        now = clock::now();
        for (std::size_t i = 0; i < fds.size(); ++i) {
            if (fds[i].revents != 0) {
                INTERIMAP_TRY(owners[i]->on_ready(fds[i].revents));
            } else if (owners[i]->awaiting_server() &&
                       now - owners[i]->last_activity() >= idle_timeout) {
                owners[i]->on_idle_timeout(idle_timeout);
            }
        }
    }
}

} // namespace interimap::async
