// Read access to one section of the INI configuration, as validated by the
// program. Plugins read their own keys through this (e.g. `command` for the
// tunnel transport, `username` for an authenticator).
#pragma once

#include <interimap/export.hpp>
#include <interimap/result.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace interimap {

/// Where a value came from, for error messages ("config:12: option ...").
struct ConfigOrigin {
    std::string file;
    int line = 0;
};

/// One section (`local`, `remote`, or a pullimap account). Values are stored
/// verbatim; typed getters parse them and name file, line and option on error.
class INTERIMAP_EXPORT ConfigSection {
public:
    ConfigSection() = default;
    explicit ConfigSection(std::string name) : name_(std::move(name)) {}

    /// The section name: "local", "remote", "" for the default section.
    const std::string& name() const { return name_; }

    /// Sets (or replaces) a value.
    void set(std::string key, std::string value, ConfigOrigin origin = {});

    bool has(std::string_view key) const;
    /// The raw value of `key`, if set.
    std::optional<std::string> get(std::string_view key) const;
    /// The raw value, or `fallback` when unset.
    std::string get_or(std::string_view key, std::string_view fallback) const;
    /// A YES/NO value (also accepts 1/0, TRUE/FALSE, ON/OFF, case-insensitive).
    Result<bool> get_bool(std::string_view key, bool fallback) const;
    /// A decimal integer within [min, max].
    Result<long long> get_int(std::string_view key, long long fallback, long long min,
                              long long max) const;
    /// Where `key` was set, for error messages; empty origin if unset.
    ConfigOrigin origin(std::string_view key) const;
    /// "FILE:LINE: option KEY" (or "option KEY" without origin).
    std::string where(std::string_view key) const;

    /// All keys and values, sorted by key.
    const std::map<std::string, std::string, std::less<>>& values() const { return values_; }

private:
    std::string name_;
    std::map<std::string, std::string, std::less<>> values_;
    std::map<std::string, ConfigOrigin, std::less<>> origins_;
};

} // namespace interimap
