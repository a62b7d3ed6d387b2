#include "sync/copy_turns.hpp"

#include <algorithm>
#include <utility>

namespace interimap::sync {

bool may_ask_for_bodies(const CopyTurns& source, const CopyTurns& target, bool in_flight,
                        std::size_t chunk_bytes) {
    // A copy from our target asked for all its bodies at once: APPENDs to
    // the target would wait behind all of them, holding what we fetch
    // meanwhile. None is asked for until they are in.
    if (target.bulk_downloads > 0)
        return false;
    if (!in_flight || source.copies_into == 0)
        return true;
    // The source is also a copy's target: within the window, and not while
    // APPENDs to it wait for it to stop sending bodies.
    return source.held_bytes == 0 && source.bytes_in_flight + chunk_bytes <= kFetchWindowBytes;
}

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
