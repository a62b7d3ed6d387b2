#include "host_address.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

namespace interimap::tcp {

namespace {

// The address family of an IP literal, or AF_UNSPEC. An IPv6 scope
// ("fe80::1%eth0") is allowed; getaddrinfo resolves it numerically.
int literal_family(std::string_view text) {
    std::string address(text);
    unsigned char buffer[sizeof(in6_addr)];
    if (inet_pton(AF_INET, address.c_str(), buffer) == 1)
        return AF_INET;
    if (auto percent = address.find('%');
        percent != std::string::npos && percent + 1 < address.size())
        address.resize(percent);
    if (inet_pton(AF_INET6, address.c_str(), buffer) == 1)
        return AF_INET6;
    return AF_UNSPEC;
}

} // namespace

std::string HostSpec::display() const {
    return family == AF_INET6 ? "[" + name + "]" : name;
}

Result<HostSpec> parse_host(std::string_view value) {
    const bool bracketed = value.size() >= 2 && value.front() == '[' && value.back() == ']';
    std::string_view inner = bracketed ? value.substr(1, value.size() - 2) : value;
    int family = literal_family(inner);
    if (bracketed && family == AF_UNSPEC)
        return Fail(ErrorCode::config, "Invalid IP literal: " + std::string(inner));
    return HostSpec{std::string(inner), family != AF_UNSPEC, family};
}

std::string default_port(std::string_view type) {
    return type == "imap" ? "143" : "993";
}

std::string format_endpoint(const HostSpec& host, std::string_view port) {
    return host.display() + ":" + std::string(port);
}

std::string format_address(const sockaddr* address, socklen_t length) {
    char host[NI_MAXHOST];
    char port[NI_MAXSERV];
    if (getnameinfo(address, length, host, sizeof host, port, sizeof port,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
        return "(unknown address)";
    if (address->sa_family == AF_INET6)
        return "[" + std::string(host) + "]:" + port;
    return std::string(host) + ":" + port;
}

} // namespace interimap::tcp
