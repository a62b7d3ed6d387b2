#include "config/option_rules.hpp"

#include "config/value_syntax.hpp"

#include <algorithm>
#include <utility>

namespace interimap::config {

namespace {

bool is_connection_type(std::string_view v) {
    return v == "imap" || v == "imaps" || v == "tunnel";
}

constexpr OptionScope any = OptionScope::any_section;

// The manual's connection options with the values the reference accepts
// (the SSL_* values are only checked for shape; the TLS layer interprets them).
constexpr OptionRule connection_rules[] = {
    {"type", any, is_connection_type, "imap, imaps or tunnel"},
    {"host", any, is_nonempty_printable, "a host name or [IP address]"},
    {"port", any, is_port, "a port number from 1 to 65535 or a service name"},
    {"proxy", any, is_nonempty_printable, "PROTOCOL://[USER:PASSWORD@]PROXYHOST[:PROXYPORT]"},
    {"command", any, is_nonempty_printable, "a command"},
    {"STARTTLS", any, is_yes_no, "YES or NO"},
    {"auth", any, is_atom_list, "space-separated mechanism names"},
    {"username", any, is_ascii_text, "7-bit text"},
    {"password", any, is_ascii_text, "7-bit text"},
    {"compress", any, is_yes_no, "YES or NO"},
    {"null-stderr", any, is_yes_no, "YES or NO"},
    {"SSL_protocols", any, is_ssl_protocol_list, "space-separated [!]SSLv3, TLSv1, ... TLSv1.3"},
    {"SSL_protocol_min", any, is_nonempty_printable, "a protocol version such as TLSv1.2"},
    {"SSL_protocol_max", any, is_nonempty_printable, "a protocol version such as TLSv1.3"},
    {"SSL_cipherlist", any, is_nonempty_printable, "an OpenSSL cipher list"},
    {"SSL_ciphersuites", any, is_printable, "OpenSSL TLSv1.3 cipher suites"},
    {"SSL_fingerprint", any, is_fingerprint_list, "space-separated [ALGO$]DIGEST_HEX"},
    {"SSL_hostname", any, is_printable, "a host name"},
    {"SSL_verify", any, is_yes_no, "YES or NO"},
    {"SSL_CApath", any, is_nonempty_printable, "a directory"},
    {"SSL_CAfile", any, is_nonempty_printable, "a file"},
};

} // namespace

std::span<const OptionRule> connection_option_rules() {
    return connection_rules;
}

std::vector<OptionRule> with_connection_rules(std::span<const OptionRule> own) {
    std::vector<OptionRule> rules(own.begin(), own.end());
    rules.insert(rules.end(), std::begin(connection_rules), std::end(connection_rules));
    return rules;
}

const OptionRule* find_rule(std::span<const OptionRule> rules, std::string_view key) {
    for (const OptionRule& r : rules)
        if (r.key == key)
            return &r;
    return nullptr;
}

std::string location_of(const ConfigSection& section, std::string_view key) {
    ConfigOrigin o = section.origin(key);
    return o.file.empty() ? std::string() : o.file + ":" + std::to_string(o.line) + ": ";
}

std::string describe_section(const ConfigSection& section) {
    return section.name().empty() ? "the default section" : "section [" + section.name() + "]";
}

Result<void> check_section(const ConfigSection& section, std::span<const OptionRule> rules) {
    // Report the first bad line of the file, not the first key in sort order.
    std::vector<std::pair<std::string_view, std::string_view>> entries(section.values().begin(),
                                                                       section.values().end());
    std::stable_sort(entries.begin(), entries.end(), [&](const auto& a, const auto& b) {
        return section.origin(a.first).line < section.origin(b.first).line;
    });
    for (const auto& [key, value] : entries) {
        const OptionRule* rule = find_rule(rules, key);
        if (rule == nullptr)
            return Fail(ErrorCode::config, location_of(section, key) + "unknown option " +
                                               std::string(key) + " in " +
                                               describe_section(section));
        if (rule->scope == OptionScope::default_only && !section.name().empty())
            return Fail(ErrorCode::config, location_of(section, key) + "option " +
                                               std::string(key) +
                                               " is only valid in the default section, not in " +
                                               describe_section(section));
        if (rule->valid != nullptr && !rule->valid(value)) {
            // Credentials are never shown, not even a mistyped one.
            const bool secret = key == "password" || key == "proxy";
            return Fail(ErrorCode::config,
                        location_of(section, key) + "Invalid option " + std::string(key) + " = " +
                            (secret ? std::string("[REDACTED]") : std::string(value)) +
                            " (expected " + std::string(rule->expected) + ")");
        }
    }
    return ok();
}

ConfigSection connection_section(const ConfigSection& defaults, const ConfigSection& own,
                                 std::span<const OptionRule> rules) {
    ConfigSection merged(own.name());
    for (const auto& [key, value] : defaults.values()) {
        const OptionRule* rule = find_rule(rules, key);
        if (rule != nullptr && rule->scope == OptionScope::any_section)
            merged.set(key, value, defaults.origin(key));
    }
    for (const auto& [key, value] : own.values())
        merged.set(key, value, own.origin(key));

    auto fill = [&](std::string key, std::string value) {
        if (!merged.has(key))
            merged.set(std::move(key), std::move(value));
    };
    fill("type", "imaps");
    fill("host", "localhost");
    const std::string type = merged.get_or("type", "imaps");
    if (type == "imaps")
        fill("port", "993");
    else if (type == "imap")
        fill("port", "143");
    fill("STARTTLS", "YES");
    fill("auth", "PLAIN LOGIN");
    fill("null-stderr", "NO");
    return merged;
}

} // namespace interimap::config
