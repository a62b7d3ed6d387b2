#include "endpoint.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <charconv>
#include <memory>
#include <netdb.h>
#include <netinet/in.h>
#include <system_error>

namespace interimap::socks5 {

namespace {

struct AddrinfoDeleter {
    void operator()(addrinfo* list) const { freeaddrinfo(list); }
};

} // namespace

Result<std::uint16_t> port_number(std::string_view port) {
    unsigned number = 0;
    auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (error == std::errc() && end == port.data() + port.size()) {
        if (number == 0 || number > 65535)
            return Fail(ErrorCode::config, "Invalid port " + std::string(port));
        return static_cast<std::uint16_t>(number);
    }
    servent entry;
    servent* found = nullptr;
    char buffer[1024];
    const std::string name(port);
    if (getservbyname_r(name.c_str(), "tcp", &entry, buffer, sizeof buffer, &found) != 0 ||
        found == nullptr)
        return Fail(ErrorCode::config, "Unknown TCP service " + name);
    return ntohs(static_cast<std::uint16_t>(found->s_port));
}

Result<IpAddress> resolve_address(const Host& host) {
    addrinfo hints{};
    hints.ai_family = host.family;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = host.numeric ? AI_NUMERICHOST : 0;
    addrinfo* found = nullptr;
    if (int rc = getaddrinfo(host.name.c_str(), nullptr, &hints, &found); rc != 0)
        return Fail(ErrorCode::io, rc == EAI_SYSTEM ? std::generic_category().message(errno)
                                                    : std::string(gai_strerror(rc)));
    std::unique_ptr<addrinfo, AddrinfoDeleter> list(found);
    for (const addrinfo* a = list.get(); a; a = a->ai_next) {
        const void* raw = nullptr;
        std::size_t size = 0;
        if (a->ai_family == AF_INET) {
            raw = &reinterpret_cast<const sockaddr_in*>(a->ai_addr)->sin_addr;
            size = sizeof(in_addr);
        } else if (a->ai_family == AF_INET6) {
            raw = &reinterpret_cast<const sockaddr_in6*>(a->ai_addr)->sin6_addr;
            size = sizeof(in6_addr);
        } else {
            continue;
        }
        char text[INET6_ADDRSTRLEN];
        inet_ntop(a->ai_family, raw, text, sizeof text);
        return IpAddress{a->ai_family, std::string(static_cast<const char*>(raw), size), text};
    }
    return Fail(ErrorCode::io, "no IPv4 or IPv6 address");
}

} // namespace interimap::socks5
