#include "imap/connection.hpp"

#include <algorithm>
#include <cstdio>
#include <poll.h>

namespace interimap::imap {

struct PendingCommand::State {
    std::string tag;
    Command command{""};
    CommandOptions options;
    std::vector<CommandSegment> segments;
    std::optional<Result<Completion>> result;
    std::coroutine_handle<> waiter;
    async::EventLoop* loop = nullptr;
};

bool PendingCommand::await_ready() const noexcept {
    return state_->result.has_value();
}

void PendingCommand::await_suspend(std::coroutine_handle<> h) noexcept {
    state_->waiter = h;
}

Result<Completion> PendingCommand::await_resume() {
    return std::move(*state_->result);
}

namespace {

std::string kibi(std::uint64_t n) {
    char buf[32];
    if (n < 1024)
        return std::to_string(n);
    if (n < 1048576)
        std::snprintf(buf, sizeof buf, "%.2fK", static_cast<double>(n) / 1024.);
    else if (n < 1073741824)
        std::snprintf(buf, sizeof buf, "%.2fM", static_cast<double>(n) / 1048576.);
    else
        std::snprintf(buf, sizeof buf, "%.2fG", static_cast<double>(n) / 1073741824.);
    return buf;
}

std::string format_tag(std::uint64_t n) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%06llu", static_cast<unsigned long long>(n));
    return buf;
}

std::string quote_value(const imap::Value& v) {
    switch (v.kind) {
    case imap::Value::Kind::string: {
        std::string out = "\"";
        for (char c : v.text) {
            if (c == '"' || c == '\\')
                out += '\\';
            out += c;
        }
        return out + '"';
    }
    case imap::Value::Kind::list: {
        std::string out = "(";
        for (std::size_t i = 0; i < v.items.size(); ++i)
            out += (i ? " " : "") + quote_value(v.items[i]);
        return out + ')';
    }
    default:
        return v.text;
    }
}

} // namespace

std::string describe(const imap::Completion& done) {
    std::string out = done.status;
    if (done.code) {
        out += " [" + done.code->name;
        for (const imap::Value& arg : done.code->args)
            out += ' ' + quote_value(arg);
        out += ']';
    }
    if (!done.text.empty())
        out += ' ' + done.text;
    return out;
}

std::string format_traffic(const TrafficCounters& t) {
    return "IMAP traffic (bytes): recv " + kibi(t.received) + " sent " + kibi(t.sent);
}

Connection::Connection(std::string name, StreamPtr stream, Logger& logger, async::EventLoop& loop)
    : name_(std::move(name)), stream_(std::move(stream)), logger_(logger), loop_(loop),
      activity_(std::chrono::steady_clock::now()) {
    loop_.add(this);
}

Connection::~Connection() {
    loop_.remove(this);
    if (stream_)
        (void)stream_->close();
}

Result<void> Connection::close() {
    loop_.remove(this);
    if (!stream_)
        return ok();
    auto r = stream_->close();
    return r;
}

void Connection::debug(std::string_view direction, std::string_view line) {
    if (logger_.debug_level() > 0)
        logger_.debug(log_context(), std::string(direction) + std::string(line));
}

PendingCommand Connection::greeting() {
    greeting_ = std::make_shared<PendingCommand::State>();
    greeting_->loop = &loop_;
    if (failure_)
        greeting_->result.emplace(Fail(*failure_));
    activity_ = std::chrono::steady_clock::now();
    return PendingCommand(greeting_);
}

PendingCommand Connection::send(Command command, CommandOptions options) {
    auto st = std::make_shared<PendingCommand::State>();
    st->command = std::move(command);
    st->options = std::move(options);
    st->loop = &loop_;
    if (failure_) {
        st->result.emplace(Fail(*failure_));
        return PendingCommand(st);
    }
    if (queued_.empty() && in_flight_.empty())
        activity_ = std::chrono::steady_clock::now();
    queued_bytes_ += st->command.size_hint();
    queued_.push_back(st);
    pump();
    return PendingCommand(st);
}

void Connection::start_command(const StatePtr& cmd) {
    cmd->tag = format_tag(next_tag_++);
    cmd->segments = cmd->command.serialize(cmd->tag, writer_options_);
    queued_bytes_ -= std::min(queued_bytes_, cmd->command.size_hint());
    unsent_segment_bytes_ = 0;
    for (const CommandSegment& seg : cmd->segments)
        unsent_segment_bytes_ += seg.bytes.size();
    debug("C: ", cmd->command.log_line(cmd->tag, logger_.debug_level() >= 2));
    // The segments hold the bytes now; the arguments (message bodies) go.
    cmd->command = Command(cmd->command.name());
    in_flight_.push_back(cmd);
    writing_ = cmd;
    next_segment_ = 0;
}

void Connection::pump() {
    if (failure_)
        return;
    for (;;) {
        if (writing_) {
            if (awaiting_continuation_)
                return;
            // Send the next segments of the command being written, up to one
            // that must wait for a continuation request.
            while (next_segment_ < writing_->segments.size()) {
                CommandSegment& seg = writing_->segments[next_segment_++];
                unsent_segment_bytes_ -= std::min(unsent_segment_bytes_, seg.bytes.size());
                const bool wait = seg.await_continuation;
                output_.append(std::move(seg.bytes));
                if (wait) {
                    awaiting_continuation_ = true;
                    return;
                }
            }
            // An AUTHENTICATE exchange keeps the writer until its completion,
            // and so does IDLE: nothing may be sent before its DONE.
            if (writing_->options.on_challenge || writing_->options.idles) {
                awaiting_continuation_ = true;
                return;
            }
            writing_->segments = {};
            writing_.reset();
        }
        if (queued_.empty())
            return;
        const StatePtr& next = queued_.front();
        bool barrier_in_flight = false;
        for (const auto& c : in_flight_)
            if (c->options.barrier || c->options.switches_stream)
                barrier_in_flight = true;
        if (barrier_in_flight || in_flight_.size() >= kMaxInFlight)
            return;
        if ((next->options.barrier || next->options.switches_stream) && !in_flight_.empty())
            return;
        if (next->options.bulk != CommandOptions::Bulk::none)
            for (const auto& c : in_flight_)
                if (c->options.bulk != CommandOptions::Bulk::none &&
                    c->options.bulk != next->options.bulk)
                    return;
        StatePtr cmd = next;
        queued_.pop_front();
        start_command(cmd);
    }
}

bool Connection::awaiting_server() const {
    // An accepted IDLE waits for the server to have something to say, which
    // may take as long as the mailbox stays unchanged: not a silence to
    // time out on. Only an IDLE can be in flight then (it holds the rest).
    if (idling_ && in_flight_.size() == 1)
        return false;
    // Held back by the read gate, the silence is ours: whatever the server
    // said waits in the socket.
    if (gate_closed())
        return false;
    return !in_flight_.empty() || (greeting_ && !greeting_->result);
}

void Connection::end_idle() {
    if (!writing_ || !writing_->options.idles || failure_)
        return;
    if (!idling_) {
        done_requested_ = true;
        return;
    }
    debug("C: ", "DONE");
    output_.append(std::string_view("DONE\r\n"));
    idling_ = false;
    activity_ = std::chrono::steady_clock::now();
    if (auto r = flush_output(); !r)
        (void)fail(std::move(r).error());
}

PollRequest Connection::poll_request() const {
    if (failure_ || !stream_)
        return {};
    PollRequest r = stream_->poll_events(!output_.empty());
    if (gate_closed() || awaiting_new_stream())
        r.events &= static_cast<short>(~POLLIN);
    return r;
}

bool Connection::ready_without_poll() const {
    return !failure_ && stream_ && !awaiting_new_stream() && !gate_closed() &&
           stream_->has_buffered_input();
}

Result<void> Connection::on_ready(short revents) {
    // A broken connection fails its own commands; the coroutines awaiting
    // them decide what to do, so the loop itself carries on.
    if (failure_)
        return ok();
    if (auto r = flush_output(); !r) {
        (void)fail(std::move(r).error());
        return ok();
    }
    // A hang-up or an error is read whatever the gate says: nothing else
    // would clear it, and poll would keep reporting it.
    bool gated = (gate_closed() && !(revents & (POLLHUP | POLLERR))) || awaiting_new_stream();
    if (!gated && (revents & (POLLIN | POLLHUP | POLLERR) || revents == 0)) {
        if (auto r = read_input(); !r) {
            (void)fail(std::move(r).error());
            return ok();
        }
    }
    pump();
    if (auto r = flush_output(); !r)
        (void)fail(std::move(r).error());
    return ok();
}

void Connection::on_idle_timeout(std::chrono::milliseconds idle) {
    (void)fail(make_error(ErrorCode::timeout, "No answer from the server for " +
                                                  std::to_string(idle.count() / 1000) +
                                                  " seconds"));
}

Result<void> Connection::flush_output() {
    while (!output_.empty()) {
        auto r = stream_->write(output_.front());
        if (!r)
            return Fail(std::move(r).error());
        if (r->status == IoResult::Status::would_block)
            return ok();
        output_.consume(r->bytes);
    }
    auto f = stream_->flush();
    if (!f)
        return Fail(std::move(f).error());
    return ok();
}

bool Connection::stream_switch_in_flight() const {
    // COMPRESS is a barrier: in flight, it is the only command.
    return !in_flight_.empty() && in_flight_.front()->options.switches_stream;
}

Result<void> Connection::read_input() {
    std::byte buffer[65536];
    // Bounded so that one busy connection cannot starve the other.
    // The gate is asked again after each read: what one read brought is
    // all that passes a gate that has just closed.
    for (int round = 0; round < 16 && !stream_switch_ && (round == 0 || !gate_closed()); ++round) {
        // While COMPRESS is answered, not a byte past its answer.
        std::span<std::byte> into(buffer, stream_switch_in_flight() ? 1 : sizeof buffer);
        auto r = stream_->read(into);
        if (!r)
            return Fail(std::move(r).error());
        if (r->status == IoResult::Status::would_block)
            return ok();
        if (r->status == IoResult::Status::eof) {
            auto closed = stream_->close();
            if (!closed)
                return Fail(std::move(closed).error());
            // Cut short: a truncated literal or line is never handed on.
            return Fail(ErrorCode::closed, parser_.at_boundary()
                                               ? "Connection closed by the server"
                                               : "Connection closed by the server in the "
                                                 "middle of a response");
        }
        activity_ = std::chrono::steady_clock::now();
        Result<void> handled = ok();
        auto fed = parser_.feed(std::span<const std::byte>(buffer, r->bytes), [&](Response&& resp) {
            if (handled && plaintext_over_)
                handled = Fail(ErrorCode::protocol,
                               "Data after the STARTTLS response, in plaintext (response "
                               "injection?): " +
                                   resp.log_line);
            else if (handled)
                handled = handle(std::move(resp));
        });
        if (!fed)
            return Fail(ErrorCode::protocol,
                        "Invalid response from the server: " + fed.error().message);
        if (!handled)
            return handled;
        if (plaintext_over_) {
            if (!parser_.at_boundary())
                return Fail(ErrorCode::protocol, "Data after the STARTTLS response, in plaintext "
                                                 "(response injection?)");
            return ok(); // the rest is TLS, read once upgraded
        }
    }
    return ok();
}

Result<void> Connection::switch_stream(const StreamUpgrade& layer) {
    if (failure_)
        return Fail(*failure_);
    if (!stream_switch_ || !in_flight_.empty() || !queued_.empty())
        return Fail(ErrorCode::internal, "stream switch outside of COMPRESS");
    auto wrapped = layer(std::move(stream_));
    if (!wrapped) {
        Error e = std::move(wrapped).error();
        (void)fail(e);
        return Fail(std::move(e));
    }
    stream_ = std::move(*wrapped);
    stream_switch_ = false;
    return ok();
}

Result<void> Connection::upgrade_to_tls() {
    if (failure_)
        return Fail(*failure_);
    if (!starttls_ || !plaintext_over_ || !in_flight_.empty() || !queued_.empty())
        return Fail(ErrorCode::internal, "TLS upgrade outside of STARTTLS");
    auto secured = starttls_(std::move(stream_));
    starttls_ = nullptr;
    if (!secured) {
        Error e = std::move(secured).error();
        (void)fail(e);
        return Fail(std::move(e));
    }
    stream_ = std::move(*secured);
    plaintext_over_ = false;
    capabilities_.invalidate();
    return ok();
}

Result<void> Connection::handle(Response&& r) {
    debug("S: ", r.log_line);
    if (greeting_ && !greeting_->result)
        return handle_greeting(r);
    switch (r.type) {
    case Response::Type::continuation:
        return handle_continuation(r);
    case Response::Type::tagged:
        return handle_tagged(r);
    case Response::Type::untagged:
        if (r.keyword == "BYE")
            return Fail(ErrorCode::closed, "Server closed the connection: " + r.text);
        handle_untagged(r);
        return ok();
    }
    return ok();
}

Result<void> Connection::handle_greeting(const Response& r) {
    if (r.type != Response::Type::untagged ||
        (r.keyword != "OK" && r.keyword != "PREAUTH" && r.keyword != "BYE"))
        return Fail(ErrorCode::protocol, "Invalid server greeting: " + r.log_line);
    if (r.keyword == "BYE")
        return Fail(ErrorCode::refused, "Server refused the connection: " + r.text);
    if (r.code && r.code->name == "CAPABILITY")
        capabilities_.assign(r.code->args);
    authenticated_ = r.keyword == "PREAUTH";
    complete(greeting_, Completion{r.keyword, r.code, r.text});
    return ok();
}

Result<void> Connection::handle_continuation(const Response& r) {
    if (!writing_ || !awaiting_continuation_)
        return Fail(ErrorCode::protocol, "Unexpected continuation request: " + r.log_line);
    if (writing_->options.on_challenge && next_segment_ >= writing_->segments.size()) {
        auto answer = writing_->options.on_challenge(r.text);
        if (!answer)
            return Fail(std::move(answer).error());
        debug("C: ", logger_.debug_level() >= 2 ? *answer : std::string("[REDACTED]"));
        output_.append(std::move(*answer) + "\r\n");
        return ok();
    }
    if (writing_->options.idles) {
        // The writer stays until the tagged response: DONE is all we send.
        idling_ = true;
        if (std::exchange(done_requested_, false))
            end_idle();
        return ok();
    }
    awaiting_continuation_ = false;
    return ok(); // pump() sends the rest
}

Result<void> Connection::handle_tagged(const Response& r) {
    auto it = std::find_if(in_flight_.begin(), in_flight_.end(),
                           [&](const StatePtr& c) { return c->tag == r.tag; });
    if (it == in_flight_.end())
        return Fail(ErrorCode::protocol, "Unexpected tagged response: " + r.log_line);
    StatePtr cmd = *it;
    in_flight_.erase(it);
    if (cmd == writing_) {
        // The server ended the command early (NO to a literal, end of
        // AUTHENTICATE or IDLE).
        writing_.reset();
        unsent_segment_bytes_ = 0;
        awaiting_continuation_ = false;
        idling_ = false;
        done_requested_ = false;
    }
    if (r.keyword != "OK" && r.keyword != "NO" && r.keyword != "BAD")
        return Fail(ErrorCode::protocol, "Invalid tagged response: " + r.log_line);
    if (r.code && r.code->name == "CAPABILITY")
        capabilities_.assign(r.code->args);
    Completion done{r.keyword, r.code, r.text};
    if (cmd->options.ends_plaintext && done.ok())
        plaintext_over_ = true;
    if (cmd->options.switches_stream && done.ok())
        stream_switch_ = true;
    if (cmd->options.on_tagged)
        cmd->options.on_tagged(done);
    complete(cmd, std::move(done));
    return ok();
}

void Connection::handle_untagged(Response& r) {
    if (r.keyword == "CAPABILITY")
        capabilities_.assign(r.data);
    else if (r.code && r.code->name == "CAPABILITY")
        capabilities_.assign(r.code->args);
    for (const StatePtr& c : in_flight_) {
        // Past a mailbox switch the data cannot answer a later command.
        if (c->options.switches_mailbox)
            break;
        if (c->options.collects.count(r.keyword) && c->options.on_untagged) {
            c->options.on_untagged(r);
            return;
        }
    }
    if (unsolicited_)
        unsolicited_(r);
}

void Connection::complete(const StatePtr& cmd, Result<Completion> result) {
    cmd->result.emplace(std::move(result));
    if (cmd->waiter)
        loop_.schedule(std::exchange(cmd->waiter, {}));
}

Result<void> Connection::fail(Error e) {
    if (!failure_) {
        if (e.context.empty())
            e.context = name_;
        failure_ = e;
        auto pending = std::move(in_flight_);
        for (auto& q : queued_)
            pending.push_back(q);
        queued_.clear();
        if (greeting_ && !greeting_->result)
            pending.push_back(greeting_);
        for (const StatePtr& c : pending)
            complete(c, Fail(e));
        writing_.reset();
        unsent_segment_bytes_ = 0;
    }
    return Fail(*failure_);
}

} // namespace interimap::imap
