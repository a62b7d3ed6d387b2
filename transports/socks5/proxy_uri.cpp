#include "proxy_uri.hpp"

#include <algorithm>
#include <cctype>

namespace interimap::socks5 {

namespace {

bool is_alnum(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(),
                                        [](unsigned char c) { return std::isalnum(c) != 0; });
}

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

} // namespace

std::string redact_proxy_uri(std::string_view value) {
    const std::size_t at = value.rfind('@');
    if (at == std::string_view::npos)
        return std::string(value);
    const std::size_t scheme_end = value.find("://");
    const std::size_t user_start =
        scheme_end != std::string_view::npos && scheme_end < at ? scheme_end + 3 : 0;
    return std::string(value.substr(0, user_start)) + "[REDACTED]" + std::string(value.substr(at));
}

Result<ProxyUri> parse_proxy_uri(std::string_view value) {
    auto invalid = [&](std::string_view why) {
        return Fail(ErrorCode::config,
                    "Invalid proxy URI " + redact_proxy_uri(value) + " (" + std::string(why) + ")");
    };
    const std::size_t scheme_end = value.find("://");
    if (scheme_end == std::string_view::npos || !is_alnum(value.substr(0, scheme_end)))
        return invalid("expected socks5://[USER[:PASSWORD]@]HOST[:PORT]");
    const std::string scheme = lower(value.substr(0, scheme_end));
    if (scheme != "socks5" && scheme != "socks5h")
        return Fail(ErrorCode::config, "Unsupported proxy protocol " +
                                           std::string(value.substr(0, scheme_end)) +
                                           " (expected socks5 or socks5h)");
    ProxyUri uri;
    uri.proxy_resolves = scheme == "socks5h";

    std::string_view rest = value.substr(scheme_end + 3);
    if (auto at = rest.rfind('@'); at != std::string_view::npos) {
        std::string_view user = rest.substr(0, at);
        const std::size_t colon = user.find(':');
        Credentials credentials{
            std::string(user.substr(0, colon)),
            colon == std::string_view::npos ? std::string() : std::string(user.substr(colon + 1))};
        // RFC 1929 carries each in a length byte.
        if (credentials.username.size() > 255 || credentials.password.size() > 255)
            return invalid("the user name and the password are limited to 255 bytes each");
        uri.credentials = std::move(credentials);
        rest = rest.substr(at + 1);
    }

    std::string_view host;
    if (!rest.empty() && rest.front() == '[') {
        const std::size_t close = rest.find(']');
        if (close == std::string_view::npos)
            return invalid("unterminated [");
        host = rest.substr(0, close + 1);
    } else {
        host = rest.substr(0, rest.find(':'));
    }
    rest = rest.substr(host.size());
    if (host.empty() || host == "[]")
        return invalid("no proxy host");
    if (!rest.empty()) {
        if (rest.front() != ':' || !is_alnum(rest.substr(1)))
            return invalid("the port must be a number or a service name");
        uri.port = std::string(rest.substr(1));
    }
    Result<Host> parsed = parse_host(host);
    if (!parsed)
        return invalid(parsed.error().message);
    uri.host = std::move(*parsed);
    return uri;
}

} // namespace interimap::socks5
