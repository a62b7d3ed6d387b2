// An SMTP (RFC 5321) or LMTP (RFC 2033) client for pullimap: opens the
// session (greeting, EHLO or LHLO), then runs one mail transaction per
// message: MAIL FROM, one RCPT TO per recipient, DATA, the message with CRLF
// line endings and dot-stuffing, and the final ".". The awaitable of a
// message resumes the moment its delivery is acknowledged (LMTP: every
// recipient's reply after the final dot is 2xx), so the caller can record
// its UID at once; any refusal is an error quoting the server's reply, and
// the message is then not delivered.
//
// Sending rule: with PIPELINING (RFC 2920), MAIL, RCPT and DATA go in one
// flight; the message waits for DATA's 354; the next message's commands may
// follow the final dot without waiting for its reply. Without PIPELINING,
// every command waits for the previous reply. A transaction that fails
// before its final dot is ended with RSET, so the session goes on.
#pragma once

#include "async/event_loop.hpp"
#include "async/task.hpp"
#include "delivery/deliver_method.hpp"

#include <chrono>
#include <coroutine>
#include <cstdint>
#include <deque>
#include <functional>
#include <interimap/log.hpp>
#include <interimap/result.hpp>
#include <interimap/stream.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace interimap::delivery {

/// One reply: its code and the text of each line (without "250-").
struct Reply {
    int code = 0;
    std::vector<std::string> lines;
    std::string first_line; ///< as received, for errors: "550 5.1.1 <x>: unknown"
};

struct SmtpOptions {
    Protocol protocol = Protocol::smtp;
    std::string ehlo = std::string(kDefaultEhlo);
    std::vector<std::string> recipients; ///< at least one
    /// `%n` of the debug lines ("C: ...", "S: ..."); the reference has none.
    std::string log_name;
};

/// Told about the final "." of a message, the instant from which the server
/// may have committed it without our knowing yet.
struct CommitHooks {
    /// Right before the final dot is queued for writing, with the number of
    /// replies that will tell the outcome (LMTP: one per accepted recipient).
    std::function<void(std::uint32_t replies)> sending;
    /// Once the stream has taken the final dot (it is on its way).
    std::function<void()> sent;
};

/// What `co_await` on a submitted message or command waits on.
class SmtpWait {
public:
    struct State {
        std::optional<Result<void>> result;
        std::coroutine_handle<> waiter;
        std::function<void(const Result<void>&)> on_done;
    };
    explicit SmtpWait(std::shared_ptr<State> s) : state_(std::move(s)) {}
    bool await_ready() const noexcept { return state_->result.has_value(); }
    void await_suspend(std::coroutine_handle<> h) noexcept { state_->waiter = h; }
    Result<void> await_resume() { return std::move(*state_->result); }
    /// Whether the outcome is known (without awaiting).
    bool done() const { return state_->result.has_value(); }
    /// Calls `f` with the outcome the moment it is known (at once if it
    /// already is), from inside the client's read path, before any awaiting
    /// coroutine resumes: pullimap records a delivered UID right there.
    void on_done(std::function<void(const Result<void>&)> f) {
        if (state_->result)
            f(*state_->result);
        else
            state_->on_done = std::move(f);
    }

private:
    std::shared_ptr<State> state_;
};

class SmtpClient final : public async::Pollable {
public:
    SmtpClient(SmtpOptions options, StreamPtr stream, Logger& logger, async::EventLoop& loop);
    ~SmtpClient() override;
    SmtpClient(const SmtpClient&) = delete;
    SmtpClient& operator=(const SmtpClient&) = delete;

    /// Reads the greeting (220) and says EHLO (SMTP) or LHLO (LMTP).
    async::Task<Result<void>> open();

    /// Queues a message from `sender` (empty: the null path) to every
    /// recipient. It is sent as soon as the sending rule allows, so several
    /// submitted messages are pipelined; each awaitable resumes once its
    /// message is acknowledged or refused. `message` is kept (one copy) until
    /// sent. `hooks` follow the final dot, after which the server may
    /// commit the message at any time.
    SmtpWait deliver(std::string sender, std::string message, CommitHooks hooks = {});

    /// QUIT (221), then closes the stream.
    async::Task<Result<void>> quit();

    /// EHLO/LHLO keywords, upper case, with their parameters ("SIZE" -> "10240000").
    const std::map<std::string, std::string>& extensions() const { return extensions_; }
    bool has_extension(std::string_view keyword) const;
    bool pipelining() const { return has_extension("PIPELINING"); }
    /// The SIZE limit (RFC 1870), if the server gave a non-zero one.
    std::optional<std::uint64_t> size_limit() const;

    /// The error that broke the session, if any.
    const std::optional<Error>& failure() const { return failure_; }
    TrafficCounters traffic() const { return stream_ ? stream_->traffic() : TrafficCounters{}; }

    // async::Pollable
    PollRequest poll_request() const override;
    bool ready_without_poll() const override;
    Result<void> on_ready(short revents) override;
    std::chrono::steady_clock::time_point last_activity() const override { return activity_; }
    bool awaiting_server() const override { return !expected_.empty(); }
    std::string name() const override { return options_.log_name; }
    void on_idle_timeout(std::chrono::milliseconds idle) override;

private:
    struct Transaction;
    using WaitPtr = std::shared_ptr<SmtpWait::State>;
    using TxnPtr = std::shared_ptr<Transaction>;

    enum class Step { greeting, ehlo, mail, rcpt, data, end_of_data, rset, quit };
    /// A line (or a message) to send.
    struct Outgoing {
        Step step;
        std::string line; ///< without CRLF; empty for the message itself
        TxnPtr txn;
        WaitPtr wait; ///< for greeting, EHLO, QUIT
    };
    /// A reply we wait for.
    struct Expected {
        Step step;
        TxnPtr txn;
        WaitPtr wait;
    };

    SmtpWait command(Step step, std::string line);
    void pump();
    bool may_send(const Outgoing& next) const;
    void start(Outgoing&& item);
    void encode_message(std::size_t budget);
    Result<void> flush_output();
    void final_dot_written();
    Result<void> read_input();
    Result<void> handle(Reply reply);
    Result<void> handle_transaction(const Expected& e, const Reply& reply);
    void fail_transaction(const TxnPtr& txn, Error e);
    void finish_transaction(const TxnPtr& txn, Result<void> result);
    void complete(const WaitPtr& w, Result<void> r);
    Result<void> fail(Error e);
    void debug(std::string_view line);

    SmtpOptions options_;
    StreamPtr stream_;
    Logger& logger_;
    async::EventLoop& loop_;
    std::map<std::string, std::string> extensions_;
    bool extensions_known_ = false;
    WaitPtr greeting_;

    std::deque<Outgoing> queued_;
    std::deque<Expected> expected_;
    std::string output_;
    std::size_t output_offset_ = 0;
    TxnPtr writing_message_; ///< whose message is being encoded into output_
    /// The message whose final dot ends at this offset of output_, not
    /// written yet (at most one: the next message waits for DATA's 354,
    /// which the server sends after this one's reply).
    std::optional<std::pair<std::size_t, TxnPtr>> final_dot_;
    std::size_t message_offset_ = 0;
    bool at_line_start_ = true;
    std::string input_;
    Reply partial_; ///< lines of a multi-line reply so far
    std::optional<Error> failure_;
    std::chrono::steady_clock::time_point activity_;
};

/// Describes a refusal as the reference does: "SMTP error: Expected 250,
/// got: 550 5.1.1 <x>: User unknown".
std::string describe_refusal(int expected, const Reply& reply);

} // namespace interimap::delivery
