// The delivery half of a pull: messages handed over as the IMAP FETCH
// streams them are delivered over one SMTP or LMTP session, pipelined, and
// each UID is appended to the statefile the moment the server acknowledges
// its message, before anything else happens. That is the exactly-once
// promise: a UID is on the disk if and only if its message was accepted, so
// whatever instant the process dies at, the next run neither loses nor
// repeats a message: a DeliveryGuardian covers the time between the final
// dot and the server's reply.
//
// The session is opened with the first message (connect, greeting,
// EHLO/LHLO) and closed with QUIT by finish(). Memory stays bounded: the
// FETCH is not read further while too many messages or bytes are waiting
// for the server's acknowledgement (see accepting()).
#pragma once

#include "async/event_loop.hpp"
#include "async/task.hpp"
#include "delivery/smtp_client.hpp"
#include "pullimap/delivery_guardian.hpp"
#include "pullimap/statefile.hpp"

#include <cstdint>
#include <interimap/log.hpp>
#include <interimap/result.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace interimap::pullimap {

struct DeliverySettings {
    delivery::DeliverMethod method;
    std::string ehlo;
    std::string recipient;
    /// Log name of the session's debug lines.
    std::string log_name;
};

class DeliveryPipeline {
public:
    DeliveryPipeline(DeliverySettings settings, Statefile& statefile, Logger& logger,
                     async::EventLoop& loop);
    ~DeliveryPipeline();
    DeliveryPipeline(const DeliveryPipeline&) = delete;
    DeliveryPipeline& operator=(const DeliveryPipeline&) = delete;

    /// Hands a message over. Its UID is recorded once the server accepts
    /// it; a refusal, a broken session or a failed write becomes failure()
    /// and nothing more is handed to the server.
    void submit(std::uint32_t uid, std::string sender, std::string message);
    /// Records `uid` without delivering (--no-delivery).
    void record_only(std::uint32_t uid);

    /// Whether the FETCH may be read further: fewer than kMaxPending messages
    /// and kMaxPendingBytes bytes wait for their acknowledgement.
    bool accepting() const { return pending_ < kMaxPending && pending_bytes_ < kMaxPendingBytes; }
    /// Messages submitted and not acknowledged or refused yet.
    std::size_t pending() const { return pending_; }
    /// The first failure, naming the UID and the server.
    const std::optional<Error>& failure() const { return failure_; }
    /// The UIDs recorded so far, in order.
    const std::vector<std::uint32_t>& recorded() const { return recorded_; }

    /// Waits until every submitted message is acknowledged or refused
    /// (their UIDs recorded), then ends the session with QUIT, if one was
    /// opened. Returns the first failure, if any.
    async::Task<Result<void>> finish();

    static constexpr std::size_t kMaxPending = 64;
    static constexpr std::size_t kMaxPendingBytes = 8 << 20;

private:
    void record(std::uint32_t uid);
    void fail(Error e);
    bool open_session();

    DeliverySettings settings_;
    Statefile& statefile_;
    Logger& logger_;
    async::EventLoop& loop_;
    std::unique_ptr<DeliveryGuardian> guardian_;
    std::unique_ptr<delivery::SmtpClient> client_;
    async::Task<Result<void>> opening_;
    std::size_t pending_ = 0;
    std::size_t pending_bytes_ = 0;
    std::optional<Error> failure_;
    std::vector<std::uint32_t> recorded_;
};

} // namespace interimap::pullimap
