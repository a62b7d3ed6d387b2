#include "sync/copy_turns.hpp"

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

} // namespace interimap::sync
