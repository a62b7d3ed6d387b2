// One IMAP connection: tags and queues commands, pipelines them on the
// stream, parses responses as they arrive and routes them. A command's tagged
// completion resumes the coroutine awaiting it; untagged data goes to the
// in-flight command that asked for its keyword, else to the unsolicited
// handler (EXISTS, VANISHED, FETCH sent on the server's own initiative).
//
// Sending rule (after mbsync's): a command is held back while a synchronising
// literal or an AUTHENTICATE exchange waits for "+", while a barrier command
// (one that changes the connection state: STARTTLS, AUTHENTICATE, COMPRESS)
// is in flight, and a barrier waits for every earlier command. SELECT is
// pipelined like any other command (see CommandOptions::switches_mailbox).
#pragma once

#include "async/event_loop.hpp"
#include "imap/capabilities.hpp"
#include "imap/command.hpp"
#include "imap/output_queue.hpp"
#include "imap/parser.hpp"
#include "imap/response.hpp"

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
#include <set>
#include <string>
#include <vector>

namespace interimap::imap {

/// The tagged response that ended a command.
struct Completion {
    std::string status; ///< OK, NO or BAD
    std::optional<ResponseCode> code;
    std::string text;

    bool ok() const { return status == "OK"; }
};

/// A tagged answer as the reference quotes it in errors: "NO [CODE args] text".
std::string describe(const Completion& done);

/// Options of one submitted command.
struct CommandOptions {
    /// Untagged response keywords this command collects (e.g. LIST, STATUS).
    std::set<std::string, std::less<>> collects;
    /// Receives the collected untagged responses; it may take what it
    /// keeps out of them (a message body) rather than copy it.
    std::function<void(Response&)> on_untagged;
    /// For AUTHENTICATE: answers each "+" challenge with a line to send
    /// (without CRLF). The line is never logged unless --debug twice.
    std::function<Result<std::string>(std::string_view challenge)> on_challenge;
    /// Changes the connection state: wait for everything before, hold
    /// everything after until it completes.
    bool barrier = false;
    /// Changes the selected mailbox (SELECT) but may be pipelined: the
    /// server runs it alone, in order. Untagged data that arrives while it
    /// is the oldest such command in flight is about the mailbox being left
    /// or entered, never an answer to a later command: it goes to the
    /// unsolicited handler, which tells them apart (RFC 7162 [CLOSED]).
    bool switches_mailbox = false;
    /// Message bodies this command carries. An upload (APPEND) is not sent
    /// while a download (FETCH of bodies) is in flight, nor the reverse: a
    /// server busy sending us bodies would take our appends only after
    /// them, so a copy each way on the same connections could wait for
    /// each other, and Dovecot 2.3 has been seen to abort on the mix.
    enum class Bulk { none, upload, download } bulk = Bulk::none;
    /// Told of the tagged response as soon as it is read, in the order of
    /// the responses (the awaiting coroutine resumes later).
    std::function<void(const Completion&)> on_tagged;
    /// STARTTLS: nothing may follow its tagged response in plaintext. Any
    /// byte the server sent after it is an attempt to inject responses
    /// into the protected session (CVE-2011-0411 and kin): an error.
    bool ends_plaintext = false;
    /// COMPRESS: what follows its tagged OK is compressed. The answer is
    /// read a byte at a time so that nothing after it is taken as text.
    /// Sent alone, as a barrier is.
    bool switches_stream = false;
    /// IDLE (RFC 2177): once the server's "+" arrives, the command stays
    /// open, holding back everything queued after it, until end_idle()
    /// sends DONE. The server may then stay silent for as long as it likes.
    bool idles = false;
};

/// Wraps a plaintext stream in TLS (the handshake may block).
using StreamUpgrade = std::function<Result<StreamPtr>(StreamPtr plain)>;

class Connection;

/// What `co_await connection.send(...)` waits on.
class PendingCommand {
public:
    struct State;
    explicit PendingCommand(std::shared_ptr<State> s) : state_(std::move(s)) {}
    bool await_ready() const noexcept;
    void await_suspend(std::coroutine_handle<> h) noexcept;
    Result<Completion> await_resume();

private:
    std::shared_ptr<State> state_;
};

class Connection final : public async::Pollable {
public:
    Connection(std::string name, StreamPtr stream, Logger& logger, async::EventLoop& loop);
    ~Connection() override;

    LogContext log_context() const { return LogContext{name_, {}}; }
    Logger& logger() { return logger_; }
    async::EventLoop& loop() { return loop_; }

    /// Waits for the server greeting. PREAUTH sets authenticated().
    PendingCommand greeting();
    bool authenticated() const { return authenticated_; }
    void set_authenticated() { authenticated_ = true; }

    /// Queues a command; it is sent as soon as the sending rule allows.
    PendingCommand send(Command command, CommandOptions options = {});

    Capabilities& capabilities() { return capabilities_; }
    const Capabilities& capabilities() const { return capabilities_; }
    /// Whether LITERAL+ may be used for commands written from now on.
    void set_writer_options(WriterOptions o) { writer_options_ = o; }

    /// Receives untagged responses no in-flight command collects.
    void set_unsolicited_handler(std::function<void(const Response&)> h) {
        unsolicited_ = std::move(h);
    }
    /// Streams big literals (message bodies) instead of buffering them.
    void set_literal_sink_factory(ResponseParser::SinkFactory f) {
        parser_.set_sink_factory(std::move(f));
    }

    /// Bytes on the wire so far.
    TrafficCounters traffic() const { return stream_->traffic(); }

    /// Bytes of commands accepted by send() and not yet written to the
    /// stream: how far the server lags behind what we give it.
    std::size_t unsent_bytes() const {
        return queued_bytes_ + output_.size() + unsent_segment_bytes_;
    }
    /// While `gate` returns false, responses are not read (flow control: a
    /// copy stops reading its source while the target lags behind, so that
    /// memory stays bounded). Null removes the gate.
    void set_read_gate(std::function<bool()> gate) { read_gate_ = std::move(gate); }
    /// Ends the IDLE command in flight (DONE), now or as soon as the server
    /// has accepted it. Nothing happens when no IDLE is in flight.
    void end_idle();
    /// An IDLE command is in flight and its "+" has arrived.
    bool idling() const { return idling_; }

    /// Closes the stream (reaps a tunnel's child).
    Result<void> close();

    /// The session must switch to TLS with STARTTLS before anything else
    /// (type = imap with STARTTLS = YES): login() does it with `upgrade`.
    void require_starttls(StreamUpgrade upgrade) { starttls_ = std::move(upgrade); }
    bool starttls_required() const { return static_cast<bool>(starttls_); }
    /// After STARTTLS's OK: wraps the stream, forgets the capabilities (a
    /// plaintext list may have been forged) and reads on in TLS.
    Result<void> upgrade_to_tls();
    /// After COMPRESS's OK: the stream is wrapped by `layer` and read on.
    Result<void> switch_stream(const StreamUpgrade& layer);

    /// The error that broke the connection, if any.
    const std::optional<Error>& failure() const { return failure_; }

    // async::Pollable
    PollRequest poll_request() const override;
    bool ready_without_poll() const override;
    Result<void> on_ready(short revents) override;
    std::chrono::steady_clock::time_point last_activity() const override { return activity_; }
    bool awaiting_server() const override;
    std::string name() const override { return name_; }
    void on_idle_timeout(std::chrono::milliseconds idle) override;

private:
    using StatePtr = std::shared_ptr<PendingCommand::State>;

    void pump();
    void start_command(const StatePtr& cmd);
    Result<void> flush_output();
    Result<void> read_input();
    Result<void> handle(Response&& r);
    Result<void> handle_greeting(const Response& r);
    Result<void> handle_continuation(const Response& r);
    Result<void> handle_tagged(const Response& r);
    void handle_untagged(Response& r);
    void complete(const StatePtr& cmd, Result<Completion> result);
    Result<void> fail(Error e);
    void debug(std::string_view direction, std::string_view line);

    std::string name_;
    StreamPtr stream_;
    Logger& logger_;
    async::EventLoop& loop_;
    ResponseParser parser_;
    Capabilities capabilities_;
    WriterOptions writer_options_;
    std::function<void(const Response&)> unsolicited_;

    std::uint64_t next_tag_ = 0;
    StatePtr greeting_;
    bool authenticated_ = false;
    std::deque<StatePtr> queued_;          ///< not yet started
    std::vector<StatePtr> in_flight_;      ///< started, awaiting their tagged response
    StatePtr writing_;                     ///< the command whose segments are being sent
    std::size_t next_segment_ = 0;         ///< of writing_
    bool awaiting_continuation_ = false;   ///< writing_ waits for "+"
    bool idling_ = false;                  ///< writing_ is an IDLE the server accepted
    bool done_requested_ = false;          ///< end_idle() came before the "+"
    std::size_t queued_bytes_ = 0;         ///< estimated size of queued_
    std::size_t unsent_segment_bytes_ = 0; ///< segments of writing_ not in output_ yet
    std::function<bool()> read_gate_;
    StreamUpgrade starttls_;
    /// The plaintext part of the session ended (STARTTLS answered): no more
    /// input is read until the stream is upgraded.
    bool plaintext_over_ = false;
    /// COMPRESS answered OK: no more input is read until the stream is
    /// wrapped; until then (command in flight), input is read byte by byte.
    bool stream_switch_ = false;
    bool stream_switch_in_flight() const;
    /// STARTTLS or COMPRESS answered: what comes next belongs to the layer
    /// the stream is about to get, so nothing is read until it has it.
    bool awaiting_new_stream() const { return plaintext_over_ || stream_switch_; }
    bool gate_closed() const { return read_gate_ && !read_gate_(); }
    OutputQueue output_;
    std::optional<Error> failure_;
    std::chrono::steady_clock::time_point activity_;
    static constexpr std::size_t kMaxInFlight = 256;
};

/// "IMAP traffic (bytes): recv 1.02K sent 144", the reference's summary.
std::string format_traffic(const TrafficCounters& t);

} // namespace interimap::imap
