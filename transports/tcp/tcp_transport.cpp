#include "tcp_transport.hpp"

#include "host_address.hpp"
#include "tcp_connect.hpp"

#include <interimap/socket_stream.hpp>
#include <memory>
#include <string>
#include <unistd.h>
#include <utility>

namespace interimap::tcp {

Result<StreamPtr> TcpTransport::connect(const ConnectRequest& request, StreamPtr lower) {
    if (lower)
        return Fail(ErrorCode::internal, "the tcp transport cannot be layered on a stream");
    const ConfigSection& section = request.section;
    Result<HostSpec> host = parse_host(section.get_or("host", "localhost"));
    if (!host)
        return Fail(ErrorCode::config, section.where("host") + ": " + host.error().message);
    const std::string port = section.get_or("port", default_port(section.get_or("type", "imaps")));

    Result<ConnectedSocket> socket = connect_to_host(*host, port, request.timeout);
    if (!socket)
        return Fail(std::move(socket).error());
    if (auto options = set_socket_options(socket->fd, request.keepalive); !options) {
        ::close(socket->fd);
        return Fail(std::move(options).error());
    }
    std::string description = format_endpoint(*host, port);
    // A name is followed by the address it led to: "imap.example.net:993 ([2001:db8::1]:993)".
    if (!host->numeric)
        description += " (" + socket->peer + ")";
    return StreamPtr(std::make_unique<SocketStream>(socket->fd, std::move(description)));
}

} // namespace interimap::tcp
