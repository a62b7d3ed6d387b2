#include "delivery/smtp_client.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <poll.h>

namespace interimap::delivery {

struct SmtpClient::Transaction {
    std::string message;
    CommitHooks hooks;
    WaitPtr wait;
    std::size_t outstanding = 0; ///< replies to MAIL, RCPT and DATA not received yet
    std::size_t accepted = 0;    ///< recipients the server took
    std::size_t end_replies = 0; ///< replies to the final dot not received yet
    std::optional<Error> error;
    bool finished = false; ///< its awaitable has its outcome
    bool reset = false;    ///< RSET queued after its failure
};

namespace {

bool positive(const Reply& r) {
    return r.code / 100 == 2;
}

constexpr std::size_t kMaxReplyLine = 1 << 16;
constexpr std::size_t kOutputLowWater = 1 << 16;
constexpr std::size_t kEncodeChunk = 1 << 18;

} // namespace

std::string describe_refusal(int expected, const Reply& reply) {
    return "SMTP error: Expected " + std::to_string(expected) + ", got: " + reply.first_line;
}

SmtpClient::SmtpClient(SmtpOptions options, StreamPtr stream, Logger& logger,
                       async::EventLoop& loop)
    : options_(std::move(options)), stream_(std::move(stream)), logger_(logger), loop_(loop),
      greeting_(std::make_shared<SmtpWait::State>()), activity_(std::chrono::steady_clock::now()) {
    expected_.push_back({Step::greeting, nullptr, greeting_});
    loop_.add(this);
}

SmtpClient::~SmtpClient() {
    loop_.remove(this);
    if (stream_)
        (void)stream_->close();
}

bool SmtpClient::has_extension(std::string_view keyword) const {
    std::string k(keyword);
    std::transform(k.begin(), k.end(), k.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return extensions_.count(k) > 0;
}

std::optional<std::uint64_t> SmtpClient::size_limit() const {
    auto it = extensions_.find("SIZE");
    if (it == extensions_.end())
        return std::nullopt;
    std::uint64_t n = 0;
    const std::string& v = it->second;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || n == 0)
        return std::nullopt;
    return n;
}

void SmtpClient::debug(std::string_view line) {
    if (logger_.debug_level() > 0)
        logger_.debug(LogContext{options_.log_name, {}}, line);
}

async::Task<Result<void>> SmtpClient::open() {
    INTERIMAP_CO_TRY(co_await SmtpWait(greeting_));
    const char* hello = options_.protocol == Protocol::lmtp ? "LHLO " : "EHLO ";
    INTERIMAP_CO_TRY(co_await command(Step::ehlo, hello + options_.ehlo));
    co_return ok();
}

async::Task<Result<void>> SmtpClient::quit() {
    Result<void> r = co_await command(Step::quit, "QUIT");
    loop_.remove(this);
    if (stream_) {
        auto closed = stream_->close();
        stream_.reset();
        if (r && !closed)
            r = Fail(std::move(closed).error());
    }
    co_return r;
}

SmtpWait SmtpClient::command(Step step, std::string line) {
    auto w = std::make_shared<SmtpWait::State>();
    if (failure_) {
        w->result.emplace(Fail(*failure_));
        return SmtpWait(w);
    }
    // EHLO opens the session: messages submitted before it wait behind it.
    if (step == Step::ehlo)
        queued_.push_front({step, std::move(line), nullptr, w});
    else
        queued_.push_back({step, std::move(line), nullptr, w});
    pump();
    return SmtpWait(w);
}

SmtpWait SmtpClient::deliver(std::string sender, std::string message, CommitHooks hooks) {
    auto txn = std::make_shared<Transaction>();
    txn->hooks = std::move(hooks);
    txn->wait = std::make_shared<SmtpWait::State>();
    SmtpWait wait(txn->wait);
    if (failure_) {
        txn->wait->result.emplace(Fail(*failure_));
        return wait;
    }
    if (auto limit = size_limit(); limit && message.size() > *limit) {
        txn->wait->result.emplace(
            Fail(ErrorCode::refused, "SMTP error: message of " + std::to_string(message.size()) +
                                         " bytes exceeds the server's SIZE limit of " +
                                         std::to_string(*limit)));
        return wait;
    }
    txn->message = std::move(message);
    queued_.push_back({Step::mail, "MAIL FROM:<" + sender + ">", txn, nullptr});
    for (const std::string& rcpt : options_.recipients)
        queued_.push_back({Step::rcpt, "RCPT TO:<" + rcpt + ">", txn, nullptr});
    queued_.push_back({Step::data, "DATA", txn, nullptr});
    queued_.push_back({Step::end_of_data, {}, txn, nullptr});
    pump();
    return wait;
}

bool SmtpClient::may_send(const Outgoing& next) const {
    if (failure_ || !stream_ || writing_message_)
        return false;
    // Mail transactions start once EHLO/LHLO has told what the server
    // offers (PIPELINING, SIZE): messages may be submitted before.
    if (!extensions_known_ && next.step != Step::ehlo)
        return false;
    // Nothing follows a command that is last in a group (RFC 2920 section
    // 3.1) before its reply; the message waits for DATA's 354.
    for (const Expected& e : expected_)
        if (e.step == Step::greeting || e.step == Step::ehlo || e.step == Step::data ||
            e.step == Step::quit)
            return false;
    // Without PIPELINING, one command at a time.
    return expected_.empty() || pipelining();
}

void SmtpClient::pump() {
    while (!queued_.empty() && may_send(queued_.front())) {
        Outgoing item = std::move(queued_.front());
        queued_.pop_front();
        start(std::move(item));
    }
}

void SmtpClient::start(Outgoing&& item) {
    if (expected_.empty())
        activity_ = std::chrono::steady_clock::now();
    if (item.step == Step::end_of_data) {
        // The message itself: DATA was answered 354.
        debug("C: [...]");
        writing_message_ = item.txn;
        message_offset_ = 0;
        at_line_start_ = true;
        encode_message(kEncodeChunk);
        return;
    }
    debug("C: " + item.line);
    output_ += item.line;
    output_ += "\r\n";
    if (item.txn)
        ++item.txn->outstanding;
    expected_.push_back({item.step, std::move(item.txn), std::move(item.wait)});
}

void SmtpClient::encode_message(std::size_t budget) {
    const std::string& m = writing_message_->message;
    const std::size_t target = output_.size() + budget;
    // RFC 5321 section 4.5.2: a line starting with "." gets another one;
    // lines end with CRLF (a bare LF gets its CR).
    while (message_offset_ < m.size() && output_.size() < target) {
        if (at_line_start_ && m[message_offset_] == '.')
            output_ += '.';
        const std::size_t nl = m.find('\n', message_offset_);
        const std::size_t end = nl == std::string::npos ? m.size() : nl;
        const std::size_t room =
            std::max<std::size_t>(target - std::min(target, output_.size()), 1);
        const std::size_t stop = std::min(end, message_offset_ + room);
        output_.append(m, message_offset_, stop - message_offset_);
        message_offset_ = stop;
        at_line_start_ = false;
        if (stop == end && nl != std::string::npos) {
            if (nl == 0 || m[nl - 1] != '\r')
                output_ += '\r';
            output_ += '\n';
            message_offset_ = nl + 1;
            at_line_start_ = true;
        }
    }
    if (message_offset_ < m.size())
        return;
    // As the reference: an empty message is one empty line; a last line
    // without CRLF gets one, so that the final dot is recognised.
    if (m.empty())
        output_ += "\r\n";
    else if (!at_line_start_)
        output_ += "\r\n";
    TxnPtr txn = std::move(writing_message_);
    std::string().swap(txn->message);
    // LMTP answers once per accepted recipient (RFC 2033 section 4.2).
    txn->end_replies = options_.protocol == Protocol::lmtp ? txn->accepted : 1;
    if (txn->hooks.sending)
        txn->hooks.sending(static_cast<std::uint32_t>(txn->end_replies));
    output_ += ".\r\n";
    if (txn->hooks.sent)
        final_dot_.emplace(output_.size(), txn);
    for (std::size_t i = 0; i < txn->end_replies; ++i)
        expected_.push_back({Step::end_of_data, txn, nullptr});
}

PollRequest SmtpClient::poll_request() const {
    if (failure_ || !stream_)
        return {};
    return stream_->poll_events(output_offset_ < output_.size() || writing_message_);
}

bool SmtpClient::ready_without_poll() const {
    return !failure_ && stream_ && stream_->has_buffered_input();
}

Result<void> SmtpClient::on_ready(short revents) {
    if (failure_ || !stream_)
        return ok();
    pump();
    if (auto r = flush_output(); !r) {
        (void)fail(std::move(r).error());
        return ok();
    }
    if (revents & (POLLIN | POLLHUP | POLLERR) || revents == 0) {
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

void SmtpClient::on_idle_timeout(std::chrono::milliseconds idle) {
    (void)fail(make_error(ErrorCode::timeout, "No answer from the SMTP server for " +
                                                  std::to_string(idle.count() / 1000) +
                                                  " seconds"));
}

Result<void> SmtpClient::flush_output() {
    for (;;) {
        if (writing_message_ && output_.size() - output_offset_ < kOutputLowWater) {
            encode_message(kEncodeChunk);
            if (!writing_message_)
                pump(); // what follows the final dot may go now (pipelining)
        }
        if (output_offset_ >= output_.size())
            break;
        auto data = std::span<const std::byte>(reinterpret_cast<const std::byte*>(output_.data()) +
                                                   output_offset_,
                                               output_.size() - output_offset_);
        auto r = stream_->write(data);
        if (!r)
            return Fail(std::move(r).error());
        if (r->status == IoResult::Status::would_block) {
            if (output_offset_ >= kOutputLowWater) {
                if (final_dot_)
                    final_dot_->first -= output_offset_;
                output_.erase(0, output_offset_);
                output_offset_ = 0;
            }
            return ok();
        }
        output_offset_ += r->bytes;
        final_dot_written();
    }
    output_.clear();
    output_offset_ = 0;
    auto f = stream_->flush();
    if (!f)
        return Fail(std::move(f).error());
    return ok();
}

void SmtpClient::final_dot_written() {
    if (final_dot_ && output_offset_ >= final_dot_->first) {
        TxnPtr txn = std::move(final_dot_->second);
        final_dot_.reset();
        txn->hooks.sent();
    }
}

Result<void> SmtpClient::read_input() {
    std::byte buffer[16384];
    for (int round = 0; round < 16 && stream_ && !failure_; ++round) {
        auto r = stream_->read(buffer);
        if (!r)
            return Fail(std::move(r).error());
        if (r->status == IoResult::Status::would_block)
            return ok();
        if (r->status == IoResult::Status::eof)
            return Fail(ErrorCode::closed, input_.empty() && partial_.lines.empty()
                                               ? "Connection closed by the SMTP server"
                                               : "Connection closed by the SMTP server in the "
                                                 "middle of a reply");
        activity_ = std::chrono::steady_clock::now();
        input_.append(reinterpret_cast<const char*>(buffer), r->bytes);
        std::size_t start = 0;
        for (std::size_t nl; (nl = input_.find('\n', start)) != std::string::npos; start = nl + 1) {
            std::string line = input_.substr(start, nl - start);
            if (!line.empty() && line.back() == '\r')
                line.pop_back();
            debug("S: " + line);
            const bool digits = line.size() >= 3 &&
                                std::isdigit(static_cast<unsigned char>(line[0])) &&
                                std::isdigit(static_cast<unsigned char>(line[1])) &&
                                std::isdigit(static_cast<unsigned char>(line[2]));
            if (!digits || (line.size() > 3 && line[3] != ' ' && line[3] != '-'))
                return Fail(ErrorCode::protocol, "Invalid SMTP reply: " + line);
            const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
            if (partial_.lines.empty()) {
                partial_.code = code;
                partial_.first_line = line;
            } else if (code != partial_.code) {
                return Fail(ErrorCode::protocol, "Invalid SMTP reply: " + line);
            }
            partial_.lines.push_back(line.size() > 4 ? line.substr(4) : std::string());
            if (line.size() == 3 || line[3] == ' ')
                INTERIMAP_TRY(handle(std::exchange(partial_, Reply{})));
            if (failure_ || !stream_)
                return ok();
        }
        input_.erase(0, start);
        if (input_.size() > kMaxReplyLine)
            return Fail(ErrorCode::protocol, "Invalid SMTP reply: line too long");
    }
    return ok();
}

Result<void> SmtpClient::handle(Reply reply) {
    if (expected_.empty())
        return Fail(reply.code == 421 ? ErrorCode::closed : ErrorCode::protocol,
                    "Unexpected SMTP reply: " + reply.first_line);
    Expected e = std::move(expected_.front());
    expected_.pop_front();
    switch (e.step) {
    case Step::greeting:
    case Step::ehlo:
    case Step::rset: {
        const int want = e.step == Step::greeting ? 220 : 250;
        if (e.step == Step::greeting ? reply.code != 220 : !positive(reply)) {
            Error err = make_error(ErrorCode::refused, describe_refusal(want, reply));
            if (e.wait)
                complete(e.wait, Fail(err));
            return Fail(std::move(err));
        }
        if (e.step == Step::ehlo) {
            extensions_.clear();
            for (std::size_t i = 1; i < reply.lines.size(); ++i) {
                const std::string& l = reply.lines[i];
                auto sp = l.find(' ');
                std::string keyword = l.substr(0, sp);
                std::transform(keyword.begin(), keyword.end(), keyword.begin(),
                               [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
                extensions_[keyword] = sp == std::string::npos ? "" : l.substr(sp + 1);
            }
            extensions_known_ = true;
        }
        if (e.wait)
            complete(e.wait, ok());
        return ok();
    }
    case Step::quit:
        complete(e.wait, reply.code == 221 ? ok()
                                           : Result<void>(Fail(ErrorCode::refused,
                                                               describe_refusal(221, reply))));
        return ok();
    default:
        return handle_transaction(e, reply);
    }
}

Result<void> SmtpClient::handle_transaction(const Expected& e, const Reply& reply) {
    const TxnPtr& txn = e.txn;
    switch (e.step) {
    case Step::mail:
    case Step::rcpt:
        --txn->outstanding;
        if (positive(reply) && e.step == Step::rcpt)
            ++txn->accepted;
        if (!positive(reply))
            fail_transaction(txn, make_error(ErrorCode::refused, describe_refusal(250, reply)));
        break;
    case Step::data:
        --txn->outstanding;
        if (reply.code == 354 && txn->error)
            // Some recipient was refused, yet the server waits for the
            // message: only closing the session keeps it from delivering.
            return Fail(ErrorCode::protocol,
                        "SMTP error: DATA accepted after a refusal; closing the session so "
                        "that the message is not delivered");
        if (reply.code != 354)
            fail_transaction(txn, make_error(ErrorCode::refused, describe_refusal(354, reply)));
        break;
    default: // the final dot
        --txn->end_replies;
        if (!positive(reply))
            fail_transaction(txn, make_error(ErrorCode::refused, describe_refusal(250, reply)));
        else if (txn->end_replies == 0)
            finish_transaction(txn, ok());
        return ok();
    }
    if (txn->error && txn->outstanding == 0 && !txn->reset) {
        // The transaction ends here: drop what is left of it and reset
        // the session for the next one.
        txn->reset = true;
        std::erase_if(queued_, [&](const Outgoing& o) { return o.txn == txn; });
        queued_.push_front({Step::rset, "RSET", nullptr, nullptr});
    }
    return ok();
}

void SmtpClient::fail_transaction(const TxnPtr& txn, Error e) {
    if (txn->error)
        return;
    txn->error = e;
    finish_transaction(txn, Fail(std::move(e)));
}

void SmtpClient::finish_transaction(const TxnPtr& txn, Result<void> result) {
    if (txn->finished)
        return;
    txn->finished = true;
    complete(txn->wait, std::move(result));
}

void SmtpClient::complete(const WaitPtr& w, Result<void> r) {
    if (!w || w->result)
        return;
    w->result.emplace(std::move(r));
    if (auto f = std::exchange(w->on_done, {}))
        f(*w->result);
    if (w->waiter)
        loop_.schedule(std::exchange(w->waiter, {}));
}

Result<void> SmtpClient::fail(Error e) {
    if (!failure_) {
        if (e.context.empty())
            e.context = options_.log_name;
        failure_ = e;
        for (const Expected& x : expected_) {
            complete(x.wait, Fail(e));
            if (x.txn)
                finish_transaction(x.txn, Fail(e));
        }
        for (const Outgoing& x : queued_) {
            complete(x.wait, Fail(e));
            if (x.txn)
                finish_transaction(x.txn, Fail(e));
        }
        if (writing_message_)
            finish_transaction(writing_message_, Fail(e));
        expected_.clear();
        queued_.clear();
        writing_message_.reset();
    }
    return Fail(*failure_);
}

} // namespace interimap::delivery
