#include "tls_options.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <cctype>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

namespace interimap::tls {

namespace {

// Lowest first, as OpenSSL orders them when it looks for a contiguous range.
constexpr std::array<std::pair<std::string_view, int>, 5> kVersions = {{
    {"SSLv3", SSL3_VERSION},
    {"TLSv1", TLS1_VERSION},
    {"TLSv1.1", TLS1_1_VERSION},
    {"TLSv1.2", TLS1_2_VERSION},
    {"TLSv1.3", TLS1_3_VERSION},
}};

std::vector<std::string_view> words(std::string_view text) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])))
            ++i;
        std::size_t start = i;
        while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i])))
            ++i;
        if (i > start)
            out.push_back(text.substr(start, i - start));
    }
    return out;
}

// An IP literal's text for X509_VERIFY_PARAM_set1_ip_asc (an IPv6 zone
// dropped), or nullopt for a host name.
std::optional<std::string> ip_literal(std::string address) {
    unsigned char buffer[sizeof(in6_addr)];
    if (inet_pton(AF_INET, address.c_str(), buffer) == 1)
        return address;
    if (auto percent = address.find('%'); percent != std::string::npos)
        address.resize(percent);
    if (inet_pton(AF_INET6, address.c_str(), buffer) == 1)
        return address;
    return std::nullopt;
}

Result<std::optional<ProtocolVersion>> read_version(const ConfigSection& section,
                                                    std::string_view key) {
    std::optional<std::string> value = section.get(key);
    if (!value)
        return std::optional<ProtocolVersion>();
    std::optional<ProtocolVersion> version = protocol_version(*value);
    if (!version)
        return Fail(ErrorCode::config,
                    section.where(key) + ": unknown protocol version \"" + *value +
                        "\" (expected SSLv3, TLSv1, TLSv1.1, TLSv1.2 or TLSv1.3)");
    return version;
}

} // namespace

std::optional<ProtocolVersion> protocol_version(std::string_view name) {
    for (const auto& [text, number] : kVersions)
        if (text == name)
            return ProtocolVersion{std::string(text), number};
    return std::nullopt;
}

Result<std::pair<ProtocolVersion, ProtocolVersion>> protocols_to_range(std::string_view list) {
    constexpr unsigned all = (1u << kVersions.size()) - 1;
    unsigned included = 0;
    unsigned excluded = 0;
    for (std::string_view word : words(list)) {
        const bool negated = word.starts_with('!');
        if (negated)
            word.remove_prefix(1);
        if (word.ends_with(".0"))
            word.remove_suffix(2);
        if (word == "SSLv2")
            continue;
        auto it = std::find_if(kVersions.begin(), kVersions.end(),
                               [&](const auto& v) { return v.first == word; });
        if (it == kVersions.end())
            return Fail(ErrorCode::config, "unknown protocol \"" + std::string(word) + "\"");
        (negated ? excluded : included) |= 1u << (it - kVersions.begin());
    }
    // Naming a version is short for disabling all the others.
    if (included != 0)
        excluded |= all & ~included;
    const unsigned enabled = all & ~excluded;
    if (enabled == 0)
        return Fail(ErrorCode::config, "no protocol version is left enabled");
    std::size_t low = 0;
    while (!(enabled & (1u << low)))
        ++low;
    std::size_t high = low;
    while (high + 1 < kVersions.size() && (enabled & (1u << (high + 1))))
        ++high;
    return std::pair{*protocol_version(kVersions[low].first),
                     *protocol_version(kVersions[high].first)};
}

Result<std::vector<Fingerprint>> parse_fingerprints(std::string_view list) {
    std::vector<Fingerprint> out;
    for (std::string_view word : words(list)) {
        Fingerprint f{"sha256", {}};
        if (auto dollar = word.find('$'); dollar != std::string_view::npos) {
            f.algorithm = std::string(word.substr(0, dollar));
            word.remove_prefix(dollar + 1);
        }
        if (EVP_get_digestbyname(f.algorithm.c_str()) == nullptr)
            return Fail(ErrorCode::config,
                        "unknown digest algorithm \"" + f.algorithm + "\" (e.g. sha256, sha1)");
        for (char c : word) {
            if (c == ':')
                continue;
            if (!std::isxdigit(static_cast<unsigned char>(c)))
                return Fail(ErrorCode::config,
                            "\"" + std::string(word) + "\" is not a hexadecimal digest");
            f.digest += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        if (f.digest.empty())
            return Fail(ErrorCode::config, "empty digest");
        out.push_back(std::move(f));
    }
    return out;
}

Result<TlsOptions> read_tls_options(const ConfigSection& section) {
    TlsOptions o;
    auto min = read_version(section, "SSL_protocol_min");
    if (!min)
        return Fail(std::move(min).error());
    auto max = read_version(section, "SSL_protocol_max");
    if (!max)
        return Fail(std::move(max).error());
    o.min_version = *min;
    o.max_version = *max;
    if (o.min_version && o.max_version && o.min_version->number > o.max_version->number)
        return Fail(ErrorCode::config, section.where("SSL_protocol_min") + ": " +
                                           o.min_version->name + " is above SSL_protocol_max (" +
                                           o.max_version->name + ")");
    // As in the reference, SSL_protocols counts only without the new options.
    if (auto protocols = section.get("SSL_protocols");
        protocols && !min->has_value() && !max->has_value()) {
        auto range = protocols_to_range(*protocols);
        if (!range)
            return Fail(ErrorCode::config,
                        section.where("SSL_protocols") + ": " + range.error().message);
        o.min_version = range->first;
        o.max_version = range->second;
        o.from_deprecated_protocols = true;
    }

    o.cipherlist = section.get("SSL_cipherlist");
    o.ciphersuites = section.get("SSL_ciphersuites");
    if (auto pins = section.get("SSL_fingerprint")) {
        auto parsed = parse_fingerprints(*pins);
        if (!parsed)
            return Fail(ErrorCode::config,
                        section.where("SSL_fingerprint") + ": " + parsed.error().message);
        o.fingerprints = std::move(*parsed);
    }
    auto verify = section.get_bool("SSL_verify", true);
    if (!verify)
        return Fail(std::move(verify).error());
    o.verify = *verify;
    o.ca_file = section.get("SSL_CAfile");
    o.ca_path = section.get("SSL_CApath");

    std::string host = section.get_or("host", "localhost");
    const bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
    if (bracketed)
        host = host.substr(1, host.size() - 2);
    std::optional<std::string> ip = ip_literal(host);
    if (bracketed && !ip)
        return Fail(ErrorCode::config, section.where("host") + ": Invalid IP literal: " + host);
    o.host_is_ip = ip.has_value();
    o.host = ip.value_or(host);
    o.server_name = section.get_or("SSL_hostname", o.host_is_ip ? "" : o.host);
    return o;
}

} // namespace interimap::tls
