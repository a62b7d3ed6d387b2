#include "app/connect.hpp"

#include "util/ascii.hpp"

#include <algorithm>

namespace interimap::app {

Result<OpenedStream> open_stream(const ConfigSection& section, const std::string& name,
                                 Logger& logger, plugin::PluginLoader& plugins, bool keepalive) {
    std::string type = ascii_lower(section.get_or("type", "imaps"));
    ConnectRequest request{section, logger, LogContext{name, {}}, keepalive && type != "tunnel"};
    auto with_context = [&](Error e) {
        if (e.context.empty())
            e.context = name;
        return Fail(std::move(e));
    };

    if (type == "tunnel") {
        auto transport = plugins.make_transport("tunnel");
        if (!transport)
            return with_context(std::move(transport).error());
        auto stream = (*transport)->connect(request, nullptr);
        if (!stream)
            return with_context(std::move(stream).error());
        return OpenedStream{std::move(*stream), nullptr};
    }
    if (type != "imap" && type != "imaps")
        return with_context(make_error(ErrorCode::config,
                                       section.where("type") + ": unknown type \"" + type + "\""));
    // Through a SOCKS5 proxy when one is configured (tunnels ignore it).
    auto tcp = plugins.make_transport(section.has("proxy") ? "socks5" : "tcp");
    if (!tcp)
        return with_context(std::move(tcp).error());
    // Loaded before connecting so that a missing TLS plugin fails before any
    // traffic (STARTTLS itself is negotiated by the session).
    TransportPtr tls;
    auto starttls = section.get_bool("STARTTLS", true);
    if (!starttls)
        return with_context(std::move(starttls).error());
    if (type == "imaps" || *starttls) {
        auto t = plugins.make_transport("tls");
        if (!t)
            return with_context(std::move(t).error());
        tls = std::move(*t);
    }
    auto stream = (*tcp)->connect(request, nullptr);
    if (!stream)
        return with_context(std::move(stream).error());
    if (type == "imaps") {
        auto secured = tls->connect(request, std::move(*stream));
        if (!secured)
            return with_context(std::move(secured).error());
        return OpenedStream{std::move(*secured), nullptr};
    }
    if (!*starttls)
        return OpenedStream{std::move(*stream), nullptr};
    // The handshake happens once the server has answered STARTTLS; the
    // transport and the request's section outlive the connection.
    std::shared_ptr<Transport> layer(std::move(tls));
    imap::StreamUpgrade upgrade = [layer, &section, &logger, name,
                                   keepalive = request.keepalive](StreamPtr plain) {
        ConnectRequest tls_request{section, logger, LogContext{name, {}}, keepalive};
        auto secured = layer->connect(tls_request, std::move(plain));
        if (!secured) {
            Error e = std::move(secured).error();
            if (e.context.empty())
                e.context = name;
            return Result<StreamPtr>(Fail(std::move(e)));
        }
        return secured;
    };
    return OpenedStream{std::move(*stream), std::move(upgrade)};
}

} // namespace interimap::app
