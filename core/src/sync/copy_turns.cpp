#include "sync/copy_turns.hpp"

#include <algorithm>
#include <utility>

namespace interimap::sync {

void CopyTurns::give_back() {
    if (waiting_.empty()) {
        taken_ = false;
        return;
    }
    // Handed over directly: nobody can take the turn in between.
    auto next = waiting_.front();
    waiting_.pop_front();
    loop_.schedule(next);
}

void CopyTurns::download_finished() {
    if (--downloads_ > 0)
        return;
    // A copy of the list: a drain may end its copy's registration.
    auto drains = drains_;
    for (auto* f : drains)
        if (std::find(drains_.begin(), drains_.end(), f) != drains_.end())
            (*f)();
    for (auto h : std::exchange(idle_waiting_, {}))
        loop_.schedule(h);
}

} // namespace interimap::sync
