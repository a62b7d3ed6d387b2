// Copies from one server take turns to ask it for bodies. A turn is one
// copy sending its UID FETCHes, its mailbox selected once; the next copy's
// follow them in the server's queue, instead of SELECTs going back and forth
// between mailboxes. While the server is also the target of a copy, it runs
// our APPENDs only after the FETCHes sent before them, whose answers we must
// read meanwhile: the bodies asked for but not all received are then bounded
// (bytes_in_flight), and a turn lasts until its last FETCH is sent.
#pragma once

#include "async/event_loop.hpp"

#include <coroutine>
#include <cstddef>
#include <deque>
#include <functional>
#include <vector>

namespace interimap::sync {

/// Bodies asked for and not received yet from a server that is also the
/// target of a copy; a chunk alone may exceed it.
inline constexpr std::size_t kFetchWindowBytes = 2 << 20;

class CopyTurns;

/// Whether a copy from `source` into `target` may ask for its next chunk of
/// bodies (`chunk_bytes`, 0 if unknown), with `in_flight` when chunks it
/// asked for are not all in.
bool may_ask_for_bodies(const CopyTurns& source, const CopyTurns& target, bool in_flight,
                        std::size_t chunk_bytes);

class CopyTurns {
public:
    explicit CopyTurns(async::EventLoop& loop) : loop_(loop) {}
    CopyTurns(const CopyTurns&) = delete;
    CopyTurns& operator=(const CopyTurns&) = delete;

    struct Turn {
        CopyTurns& turns;
        bool await_ready() const noexcept { return !turns.taken_; }
        void await_suspend(std::coroutine_handle<> h) { turns.waiting_.push_back(h); }
        void await_resume() noexcept { turns.taken_ = true; }
    };
    /// `co_await turns.take()`: waits for the copies before to end their turn.
    Turn take() { return Turn{*this}; }
    /// Ends the turn; the next copy waiting resumes on the next loop turn.
    void give_back();

    /// Bytes of bodies asked for and not received yet.
    std::size_t bytes_in_flight = 0;
    /// UID FETCHes of bodies in flight that a copy sent all at once (no copy
    /// into this server then): see may_ask_for_bodies.
    int bulk_downloads = 0;
    /// Copies appending to this server right now (or about to).
    int copies_into = 0;
    /// Counts a copy into this server for as long as it lives.
    class Appending {
    public:
        explicit Appending(CopyTurns& turns) : turns_(turns) { ++turns_.copies_into; }
        ~Appending() { --turns_.copies_into; }
        Appending(const Appending&) = delete;
        Appending& operator=(const Appending&) = delete;

    private:
        CopyTurns& turns_;
    };

    /// A UID FETCH of bodies from this server was sent / has completed.
    /// APPENDs to the server wait (held_bytes) while any is in flight: a
    /// server busy sending bodies takes our appends only after them, and
    /// Dovecot 2.3 has been seen to abort on the mix. They wait here rather
    /// than in the connection's queue, so that the FETCHes of other
    /// mailboxes are not held up behind them.
    void download_started() { ++downloads_; }
    void download_finished();
    bool downloading() const { return downloads_ > 0; }
    /// Bytes of APPENDs formed and held until the downloads are over.
    std::size_t held_bytes = 0;
    /// Called (synchronously) each time the last download completes.
    void on_downloads_over(std::function<void()>* f) { drains_.push_back(f); }
    void forget(std::function<void()>* f) { std::erase(drains_, f); }

    struct DownloadsOver {
        CopyTurns& turns;
        bool await_ready() const noexcept { return !turns.downloading(); }
        void await_suspend(std::coroutine_handle<> h) { turns.idle_waiting_.push_back(h); }
        void await_resume() const noexcept {}
    };
    /// `co_await turns.downloads_over()`: until no download is in flight.
    DownloadsOver downloads_over() { return DownloadsOver{*this}; }

private:
    async::EventLoop& loop_;
    bool taken_ = false;
    std::deque<std::coroutine_handle<>> waiting_;
    int downloads_ = 0;
    std::vector<std::function<void()>*> drains_;
    std::vector<std::coroutine_handle<>> idle_waiting_;
};

} // namespace interimap::sync
