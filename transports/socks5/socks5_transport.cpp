#include "socks5_transport.hpp"

#include "endpoint.hpp"
#include "proxy_uri.hpp"
#include "socks5_handshake.hpp"
#include "tcp_connect.hpp"

#include <chrono>
#include <interimap/socket_stream.hpp>
#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace interimap::socks5 {

namespace {

// What CONNECT asks for: with socks5h:// a name goes to the proxy as it is;
// otherwise (and for an IP literal) it is resolved here, as the reference
// does. `target` gains the address a name led to.
Result<Destination> destination_for(const ConfigSection& section, const ProxyUri& proxy,
                                    const Host& host, std::uint16_t port, std::string& target) {
    if (proxy.proxy_resolves && !host.numeric) {
        if (host.name.size() > 255)
            return Fail(ErrorCode::config, section.where("host") +
                                               ": a SOCKS5 proxy takes names of at most 255 bytes");
        return Destination{AddressType::domain, host.name, port};
    }
    Result<IpAddress> address = resolve_address(host);
    if (!address)
        return Fail(ErrorCode::io,
                    "Can't resolve " + target + " (socks5:// resolves locally, " +
                        "socks5h:// lets the proxy resolve): " + address.error().message);
    if (!host.numeric)
        target += " (" + (address->family == AF_INET6 ? "[" + address->text + "]" : address->text) +
                  ":" + std::to_string(port) + ")";
    return Destination{address->family == AF_INET ? AddressType::ipv4 : AddressType::ipv6,
                       std::move(address->bytes), port};
}

} // namespace

Result<StreamPtr> Socks5Transport::connect(const ConnectRequest& request, StreamPtr lower) {
    if (lower)
        return Fail(ErrorCode::internal, "the socks5 transport cannot be layered on a stream");
    const auto deadline = std::chrono::steady_clock::now() + request.timeout;
    const ConfigSection& section = request.section;
    std::optional<std::string> value = section.get("proxy");
    if (!value)
        return Fail(ErrorCode::config,
                    "Missing option proxy (socks5://[USER[:PASSWORD]@]HOST[:PORT])");
    Result<ProxyUri> proxy = parse_proxy_uri(*value);
    if (!proxy)
        return Fail(ErrorCode::config, section.where("proxy") + ": " + proxy.error().message);
    Result<Host> host = parse_host(section.get_or("host", "localhost"));
    if (!host)
        return Fail(ErrorCode::config, section.where("host") + ": " + host.error().message);
    const std::string port = section.get_or("port", default_port(section.get_or("type", "imaps")));
    Result<std::uint16_t> port_value = port_number(port);
    if (!port_value)
        return Fail(ErrorCode::config, section.where("port") + ": " + port_value.error().message);

    std::string target = endpoint(*host, port);
    Result<Destination> destination = destination_for(section, *proxy, *host, *port_value, target);
    if (!destination)
        return Fail(std::move(destination).error());

    std::string proxy_name = "SOCKS5 proxy " + proxy->display();
    Result<tcp::ConnectedSocket> socket =
        tcp::connect_to_host(proxy->host, proxy->port, request.timeout, proxy_name);
    if (!socket)
        return Fail(std::move(socket).error());
    // The stream owns the socket from here, and closes it on any failure.
    std::string description = target + " via " + proxy_name;
    if (!proxy->host.numeric)
        description += " (" + socket->peer + ")";
    auto stream = std::make_unique<SocketStream>(socket->fd, std::move(description));
    request.logger.debug(request.context,
                         proxy_name + ": connected" +
                             (proxy->host.numeric ? "" : " (" + socket->peer + ")"));
    INTERIMAP_TRY(tcp::set_socket_options(socket->fd, request.keepalive));

    const Negotiation negotiation{
        proxy->credentials ? &*proxy->credentials : nullptr,
        std::move(*destination),
        std::move(proxy_name),
        std::move(target),
        deadline,
        request.timeout,
    };
    INTERIMAP_TRY(negotiate(socket->fd, negotiation, request.logger, request.context));
    return StreamPtr(std::move(stream));
}

} // namespace interimap::socks5
