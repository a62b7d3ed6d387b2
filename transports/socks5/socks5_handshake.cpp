#include "socks5_handshake.hpp"

#include "tcp_connect.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <interimap/socket_io.hpp>
#include <poll.h>
#include <span>
#include <string_view>
#include <system_error>

namespace interimap::socks5 {

namespace {

using Clock = std::chrono::steady_clock;

std::uint8_t at(const std::string& bytes, std::size_t i) {
    return static_cast<std::uint8_t>(bytes[i]);
}

// One step after another on the socket; every error names the proxy, what
// it was doing and the destination.
class Exchange {
public:
    Exchange(int fd, const Negotiation& negotiation, Logger& logger, const LogContext& context)
        : fd_(fd), n_(negotiation), logger_(logger), context_(context) {}

    /// A debug line about the proxy; never given a credential.
    void debug(const std::string& what) const { logger_.debug(context_, n_.proxy + ": " + what); }

    Error error(ErrorCode code, const std::string& what) const {
        return make_error(code, n_.proxy + ": " + what + " for " + n_.target);
    }

    /// Sends a request; `step` names it in messages from now on.
    Result<void> send(const std::string& request, std::string_view step) {
        step_ = step;
        received_ = 0;
        auto bytes = std::as_bytes(std::span(request.data(), request.size()));
        while (!bytes.empty()) {
            SocketIo io = socket_send(fd_, bytes, scratch_);
            if (io.error != 0)
                return Fail(failure("write", io.error));
            if (io.result.status == IoResult::Status::ok)
                bytes = bytes.subspan(io.result.bytes);
            else
                INTERIMAP_TRY(wait(POLLOUT));
        }
        return ok();
    }

    /// Exactly `count` bytes of the reply to the current step.
    Result<std::string> receive(std::size_t count) {
        std::string bytes(count, '\0');
        auto buffer = std::as_writable_bytes(std::span(bytes.data(), bytes.size()));
        while (!buffer.empty()) {
            SocketIo io = socket_receive(fd_, buffer, scratch_);
            if (io.error != 0)
                return Fail(failure("read", io.error));
            if (io.result.status == IoResult::Status::eof)
                return Fail(closed_early());
            if (io.result.status == IoResult::Status::ok) {
                buffer = buffer.subspan(io.result.bytes);
                received_ += io.result.bytes;
            } else {
                INTERIMAP_TRY(wait(POLLIN));
            }
        }
        return bytes;
    }

    const std::string& step() const { return step_; }

private:
    Error closed_early() const {
        if (received_ == 0)
            return error(ErrorCode::closed, "connection closed by the proxy during " + step_);
        return error(ErrorCode::closed, "truncated reply during " + step_ +
                                            " (the proxy closed the connection after " +
                                            std::to_string(received_) +
                                            (received_ == 1 ? " byte)" : " bytes)"));
    }

    Error failure(std::string_view operation, int error_number) const {
        const std::string reason = std::generic_category().message(error_number);
        if (error_number == ECONNRESET || error_number == EPIPE)
            return error(ErrorCode::closed, reason + " during " + step_);
        return error(ErrorCode::io, std::string(operation) + ": " + reason + " during " + step_);
    }

    Result<void> wait(short events) {
        for (;;) {
            auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(n_.deadline - Clock::now());
            pollfd p{fd_, events, 0};
            int rc = ::poll(&p, 1, static_cast<int>(std::max<long long>(left.count(), 0)));
            if (rc > 0)
                return ok();
            if (rc == 0)
                return Fail(error(ErrorCode::timeout, "timed out after " +
                                                          tcp::format_duration(n_.timeout) +
                                                          " during " + step_));
            if (errno != EINTR)
                return Fail(failure("poll", errno));
        }
    }

    int fd_;
    const Negotiation& n_;
    Logger& logger_;
    const LogContext& context_;
    std::string step_;
    std::size_t received_ = 0; // bytes of the current step's reply
    TrafficCounters scratch_;  // the handshake is not IMAP traffic
};

Result<void> authenticate(Exchange& exchange, const Credentials& credentials) {
    INTERIMAP_TRY(exchange.send(password_request(credentials), "username/password authentication"));
    Result<std::string> reply = exchange.receive(2);
    if (!reply)
        return Fail(std::move(reply).error());
    if (at(*reply, 0) != kPasswordVersion)
        return Fail(exchange.error(ErrorCode::protocol,
                                   "malformed reply during " + exchange.step() + " (version " +
                                       hex_byte(at(*reply, 0)) + ", expected 0x01)"));
    if (at(*reply, 1) != 0)
        return Fail(exchange.error(ErrorCode::auth,
                                   "authentication failed: the proxy rejected the user name or "
                                   "password (status " +
                                       std::to_string(at(*reply, 1)) + ")"));
    exchange.debug("authenticated with username/password");
    return ok();
}

// Negotiates the method, and authenticates when the proxy chose a password.
Result<void> choose_method(Exchange& exchange, const Credentials* credentials) {
    exchange.debug(credentials ? "offering no authentication or username/password"
                               : "offering no authentication");
    INTERIMAP_TRY(exchange.send(method_request(credentials != nullptr), "method negotiation"));
    Result<std::string> reply = exchange.receive(2);
    if (!reply)
        return Fail(std::move(reply).error());
    if (at(*reply, 0) != kSocksVersion)
        return Fail(exchange.error(ErrorCode::protocol,
                                   "not a SOCKS5 proxy (its reply to method negotiation starts "
                                   "with " +
                                       hex_byte(at(*reply, 0)) + ", not 0x05)"));
    const std::uint8_t method = at(*reply, 1);
    const std::string offered = credentials ? "no authentication, username/password"
                                            : "no authentication; the proxy URI has no USER@";
    if (method == kNoAcceptableMethod)
        return Fail(exchange.error(
            ErrorCode::auth, "no acceptable authentication method (offered: " + offered + ")"));
    if (method == kUsernamePassword && credentials)
        return authenticate(exchange, *credentials);
    if (method != kNoAuthentication)
        return Fail(exchange.error(ErrorCode::protocol,
                                   "chose an authentication method that was not offered (" +
                                       method_name(method) + ")"));
    return ok();
}

// The proxy's side of the connection in a successful reply, for the log.
std::string bound_address(AddressType type, const std::string& address, const std::string& port) {
    std::string text = address;
    if (type != AddressType::domain) {
        char buffer[INET6_ADDRSTRLEN];
        inet_ntop(type == AddressType::ipv4 ? AF_INET : AF_INET6, address.data(), buffer,
                  sizeof buffer);
        text = type == AddressType::ipv6 ? "[" + std::string(buffer) + "]" : buffer;
    }
    return text + ":" + std::to_string(at(port, 0) << 8 | at(port, 1));
}

Result<std::string> request_connect(Exchange& exchange, const Destination& destination) {
    INTERIMAP_TRY(exchange.send(connect_request(destination), "CONNECT"));
    auto malformed = [&](const std::string& what) {
        return Fail(
            exchange.error(ErrorCode::protocol, "malformed reply to CONNECT (" + what + ")"));
    };
    // VER REP first: a refusal may come alone, the proxy closing at once.
    Result<std::string> head = exchange.receive(2);
    if (!head)
        return Fail(std::move(head).error());
    if (at(*head, 0) != kSocksVersion)
        return malformed("version " + hex_byte(at(*head, 0)) + ", expected 0x05");
    if (const std::uint8_t reply = at(*head, 1); reply != 0) {
        std::string text = reply_text(reply);
        if (reply == 0x08 && destination.type == AddressType::domain)
            text += "; with socks5:// instead of socks5h:// the name is resolved locally";
        return Fail(exchange.error(reply_error_code(reply), text));
    }
    Result<std::string> tail = exchange.receive(2); // RSV ATYP
    if (!tail)
        return Fail(std::move(tail).error());
    if (at(*tail, 0) != 0)
        return malformed("reserved byte " + hex_byte(at(*tail, 0)) + ", expected 0x00");
    const auto type = static_cast<AddressType>(at(*tail, 1));
    std::size_t length = 0;
    if (type == AddressType::ipv4 || type == AddressType::ipv6) {
        length = type == AddressType::ipv4 ? 4 : 16;
    } else if (type == AddressType::domain) {
        Result<std::string> size = exchange.receive(1);
        if (!size)
            return Fail(std::move(size).error());
        length = at(*size, 0);
    } else {
        return malformed("unknown address type " + hex_byte(at(*tail, 1)));
    }
    Result<std::string> bound = exchange.receive(length + 2);
    if (!bound)
        return Fail(std::move(bound).error());
    return bound_address(type, bound->substr(0, length), bound->substr(length));
}

} // namespace

Result<void> negotiate(int fd, const Negotiation& negotiation, Logger& logger,
                       const LogContext& context) {
    Exchange exchange(fd, negotiation, logger, context);
    INTERIMAP_TRY(choose_method(exchange, negotiation.credentials));
    exchange.debug("CONNECT " + negotiation.target +
                   (negotiation.destination.type == AddressType::domain
                        ? " (the proxy resolves the name)"
                        : ""));
    Result<std::string> bound = request_connect(exchange, negotiation.destination);
    if (!bound)
        return Fail(std::move(bound).error());
    exchange.debug("connected to " + negotiation.target + " from " + *bound);
    return ok();
}

} // namespace interimap::socks5
