// pullimap's work on its one mailbox, following the CONTROL FLOW of
// pullimap(1): SELECT (the statefile's UIDVALIDITY must match), UID FETCH
// of everything from the stored UIDNEXT on, each message delivered and its
// UID appended to the statefile as soon as the server accepts it; QUIT;
// \Seen on what was delivered (and on the UIDs a previous run delivered but
// did not get to mark); the new UIDNEXT stored and the file truncated to 8
// bytes. Then the optional purge (purge-after), and with --idle, IDLE until
// the mailbox grows, round after round.
#pragma once

#include "async/event_loop.hpp"
#include "async/task.hpp"
#include "delivery/deliver_method.hpp"
#include "imap/connection.hpp"
#include "pullimap/delivery_pipeline.hpp"
#include "pullimap/statefile.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <interimap/log.hpp>
#include <interimap/result.hpp>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

namespace interimap::pullimap {

struct PullSettings {
    /// The section name, first part of the log prefix.
    std::string name;
    std::string mailbox = "INBOX";
    /// False with --no-delivery: UIDs are recorded, nothing is delivered.
    bool deliver = true;
    bool quiet = false;
    DeliverySettings delivery;
    /// purge-after, in days (0: right after delivery); unset: never.
    std::optional<unsigned> purge_after_days;
    /// --idle: how long one IDLE lasts; unset: one pull, then return.
    std::optional<std::chrono::seconds> idle;
    /// Ends --idle after the round in progress (SIGTERM).
    std::function<bool()> stop_requested;
    /// Added to the loop while idling, so that what stop_requested tells
    /// (a signal) wakes the wait up.
    async::Pollable* wake = nullptr;
    /// The time of day, for purge-after's date and its 12-hour interval
    /// (a test turns the hours faster).
    std::function<std::chrono::system_clock::time_point()> clock = [] {
        return std::chrono::system_clock::now();
    };
};

class MailboxPuller {
public:
    MailboxPuller(imap::Connection& imap, Statefile& statefile, PullSettings settings,
                  Logger& logger);
    MailboxPuller(const MailboxPuller&) = delete;
    MailboxPuller& operator=(const MailboxPuller&) = delete;

    /// Everything: select, pull, purge, and the --idle rounds.
    async::Task<Result<void>> run();

    /// How often purge-after is applied under --idle (the reference's 12 h).
    static constexpr std::chrono::hours kPurgeInterval{12};

private:
    async::Task<Result<void>> select();
    /// One pull: FETCH rounds until no new message is reported, then QUIT,
    /// \Seen, UIDNEXT stored. `stalled`: UIDs delivered by an earlier run.
    async::Task<Result<void>> pull(std::vector<std::uint32_t> stalled);
    async::Task<Result<void>> fetch_new(const std::vector<std::uint32_t>& stalled,
                                        DeliveryPipeline& pipeline);
    async::Task<Result<void>> mark_seen(std::vector<std::uint32_t> uids);
    async::Task<Result<void>> purge();
    /// IDLE until the mailbox grows, the time is up or a stop is requested.
    async::Task<Result<void>> idle();
    /// Awaits every one of `commands` (all in flight: none is left behind)
    /// and gives the first failure, "WHAT: NO ..." for a refusal.
    async::Task<Result<void>> await_all(std::vector<imap::PendingCommand>& commands,
                                        std::string what);
    /// Sends `command` and checks its tagged OK.
    async::Task<Result<void>> simple(imap::Command command, imap::CommandOptions options = {});

    void on_unsolicited(const imap::Response& r);
    void on_code(const imap::ResponseCode& code);
    void on_message(const imap::Response& r, const std::vector<std::uint32_t>& stalled,
                    DeliveryPipeline& pipeline);
    bool stop_requested() const;
    bool has_new_mail() const { return new_mail_ || uidnext_ < server_uidnext_; }
    LogContext context() const {
        return LogContext{settings_.name,
                          selected_ ? std::string_view(settings_.mailbox) : std::string_view()};
    }
    Error in_context(Error e) const;

    imap::Connection& imap_;
    Statefile& statefile_;
    PullSettings settings_;
    Logger& logger_;

    bool selected_ = false;
    std::optional<std::uint32_t> uidvalidity_; ///< the server's
    std::uint32_t server_uidnext_ = 0;         ///< [UIDNEXT] of the server
    std::optional<std::uint64_t> exists_;
    bool new_mail_ = false;                     ///< EXISTS grew since the last FETCH began
    std::uint32_t uidnext_ = 1;                 ///< ours: every UID below is delivered
    std::uint32_t fetch_next_ = 1;              ///< UIDNEXT after the FETCH in progress
    std::unordered_set<std::uint32_t> handled_; ///< UIDs handed over during this pull
    std::vector<std::uint32_t> stalled_;        ///< the statefile's tail, until the first pull
    std::optional<std::chrono::system_clock::time_point> last_purge_;
};

} // namespace interimap::pullimap
