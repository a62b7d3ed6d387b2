#include "delivery/deliver_method.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <interimap/socket_io.hpp>
#include <interimap/socket_stream.hpp>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace interimap::delivery {

namespace {

Fail invalid(std::string_view text, std::string_view why) {
    return Fail(ErrorCode::config, "Invalid deliver-method `" + std::string(text) +
                                       "': " + std::string(why) +
                                       " (expected smtp:[ADDRESS]:PORT or lmtp:[ADDRESS]:PORT)");
}

bool is_atext(unsigned char c) {
    // RFC 5321 atext, as the reference's $RE_ATOM spells it.
    return (c >= 0x21 && c <= 0x7E) && c != '"' && c != '(' && c != ')' && c != ',' && c != '.' &&
           c != ':' && c != ';' && c != '<' && c != '>' && c != '@' && c != '[' && c != '\\' &&
           c != ']';
}

bool is_dot_string(std::string_view s) {
    bool atom_empty = true;
    for (unsigned char c : s) {
        if (c == '.') {
            if (atom_empty)
                return false;
            atom_empty = true;
        } else if (is_atext(c)) {
            atom_empty = false;
        } else {
            return false;
        }
    }
    return !atom_empty;
}

} // namespace

std::string DeliverMethod::text() const {
    return std::string(protocol == Protocol::lmtp ? "lmtp" : "smtp") + ":[" + address +
           "]:" + std::to_string(port);
}

Result<DeliverMethod> parse_deliver_method(std::string_view text) {
    DeliverMethod m;
    if (text.starts_with("smtp:"))
        m.protocol = Protocol::smtp;
    else if (text.starts_with("lmtp:"))
        m.protocol = Protocol::lmtp;
    else
        return invalid(text, "unknown protocol");
    std::string_view rest = text.substr(5);
    auto colon = rest.rfind(':');
    if (rest.empty() || rest.front() != '[' || colon == std::string_view::npos || colon == 0 ||
        rest[colon - 1] != ']')
        return invalid(text, "no [ADDRESS]:PORT");
    std::string_view port = rest.substr(colon + 1);
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value == 0 ||
        value > 65535)
        return invalid(text, "invalid port");
    m.port = static_cast<std::uint16_t>(value);
    m.address = std::string(rest.substr(1, colon - 2));
    unsigned char buf[sizeof(in6_addr)];
    int family = m.address.find(':') != std::string::npos ? AF_INET6 : AF_INET;
    if (::inet_pton(family, m.address.c_str(), buf) != 1)
        return invalid(text, "invalid address " + m.address);
    return m;
}

Result<std::string> default_recipient() {
    const passwd* pw = ::getpwuid(::geteuid());
    if (pw == nullptr || pw->pw_name == nullptr)
        return Fail(ErrorCode::config, "Can't find the user name of uid " +
                                           std::to_string(::geteuid()) + " (set deliver-rcpt)");
    return std::string(pw->pw_name);
}

std::string envelope_sender(std::optional<std::string_view> local,
                            std::optional<std::string_view> domain) {
    if (!local || !domain)
        return {};
    if (is_dot_string(*local))
        return std::string(*local) + '@' + std::string(*domain);
    std::string quoted = "\"";
    for (unsigned char c : *local) {
        if (c < 0x20 || c > 0x7E)
            return {};
        if (c == '"' || c == '\\')
            quoted += '\\';
        quoted += static_cast<char>(c);
    }
    return quoted + "\"@" + std::string(*domain);
}

Result<StreamPtr> connect_deliver_method(const DeliverMethod& method) {
    const bool v6 = method.address.find(':') != std::string::npos;
    sockaddr_storage ss{};
    socklen_t len = 0;
    if (v6) {
        auto* sa = reinterpret_cast<sockaddr_in6*>(&ss);
        sa->sin6_family = AF_INET6;
        sa->sin6_port = htons(method.port);
        if (::inet_pton(AF_INET6, method.address.c_str(), &sa->sin6_addr) != 1)
            return Fail(ErrorCode::config, "Invalid address " + method.address);
        len = sizeof *sa;
    } else {
        auto* sa = reinterpret_cast<sockaddr_in*>(&ss);
        sa->sin_family = AF_INET;
        sa->sin_port = htons(method.port);
        if (::inet_pton(AF_INET, method.address.c_str(), &sa->sin_addr) != 1)
            return Fail(ErrorCode::config, "Invalid address " + method.address);
        len = sizeof *sa;
    }
    int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
    if (fd < 0)
        return Fail(ErrorCode::io, std::string("socket: ") + std::strerror(errno));
    const std::string name = method.text();
    while (::connect(fd, reinterpret_cast<const sockaddr*>(&ss), len) != 0) {
        if (errno == EINTR)
            continue; // as the reference: try again
        int e = errno;
        ::close(fd);
        return Fail(ErrorCode::io, "connect to " + name + ": " + std::strerror(e));
    }
    if (::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) {
        int e = errno;
        ::close(fd);
        return Fail(ErrorCode::io, std::string("fcntl: ") + std::strerror(e));
    }
    return StreamPtr(std::make_unique<SocketStream>(fd, name));
}

} // namespace interimap::delivery
