#include "async/event_loop.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <poll.h>
#include <string>
#include <utility>

namespace interimap::async {

void EventLoop::add(Pollable* p) {
    pollables_.push_back(p);
}

void EventLoop::remove(Pollable* p) {
    pollables_.erase(std::remove(pollables_.begin(), pollables_.end(), p), pollables_.end());
}

ConditionWait::~ConditionWait() {
    if (waiter_)
        std::erase(loop_.waits_, this);
}

bool ConditionWait::over(Clock::time_point now) {
    met_ = condition_();
    return met_ || now >= deadline_;
}

bool ConditionWait::await_ready() {
    return over(Clock::now());
}

void ConditionWait::await_suspend(std::coroutine_handle<> h) {
    waiter_ = h;
    loop_.waits_.push_back(this);
}

std::optional<EventLoop::Clock::time_point> EventLoop::check_waits(Clock::time_point now) {
    std::optional<Clock::time_point> earliest;
    for (std::size_t i = 0; i < waits_.size();) {
        ConditionWait* w = waits_[i];
        if (w->over(now)) {
            waits_.erase(waits_.begin() + static_cast<std::ptrdiff_t>(i));
            schedule(std::exchange(w->waiter_, {}));
            continue;
        }
        earliest = earliest ? std::min(*earliest, w->deadline_) : w->deadline_;
        ++i;
    }
    return earliest;
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
        auto next_deadline = check_waits(clock::now());
        if (!ready_.empty())
            continue; // a wait is over: its coroutine runs first
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
        if (fds.empty() && ready_.empty() && !next_deadline) {
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
        // Rounded up: waking before the deadline would only poll again.
        if (next_deadline)
            wait = std::min(
                wait, std::max(std::chrono::ceil<std::chrono::milliseconds>(*next_deadline - now),
                               std::chrono::milliseconds(0)));
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
