#include "util/ascii.hpp"

#include <algorithm>
#include <charconv>
#include <interimap/config.hpp>

namespace interimap {

void ConfigSection::set(std::string key, std::string value, ConfigOrigin origin) {
    origins_.insert_or_assign(key, std::move(origin));
    values_.insert_or_assign(std::move(key), std::move(value));
}

bool ConfigSection::has(std::string_view key) const {
    return values_.find(key) != values_.end();
}

std::optional<std::string> ConfigSection::get(std::string_view key) const {
    auto it = values_.find(key);
    if (it == values_.end())
        return std::nullopt;
    return it->second;
}

std::string ConfigSection::get_or(std::string_view key, std::string_view fallback) const {
    auto it = values_.find(key);
    return it == values_.end() ? std::string(fallback) : it->second;
}

Result<bool> ConfigSection::get_bool(std::string_view key, bool fallback) const {
    auto it = values_.find(key);
    if (it == values_.end())
        return fallback;
    std::string v = ascii_upper(it->second);
    if (v == "YES" || v == "1" || v == "TRUE" || v == "ON")
        return true;
    if (v == "NO" || v == "0" || v == "FALSE" || v == "OFF")
        return false;
    return Fail(ErrorCode::config,
                where(key) + ": invalid value \"" + it->second + "\" (expected YES or NO)");
}

Result<long long> ConfigSection::get_int(std::string_view key, long long fallback, long long min,
                                         long long max) const {
    auto it = values_.find(key);
    if (it == values_.end())
        return fallback;
    const std::string& v = it->second;
    long long n = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || end != v.data() + v.size() || n < min || n > max)
        return Fail(ErrorCode::config, where(key) + ": invalid value \"" + v +
                                           "\" (expected an integer from " + std::to_string(min) +
                                           " to " + std::to_string(max) + ")");
    return n;
}

ConfigOrigin ConfigSection::origin(std::string_view key) const {
    auto it = origins_.find(key);
    return it == origins_.end() ? ConfigOrigin{} : it->second;
}

std::string ConfigSection::where(std::string_view key) const {
    ConfigOrigin o = origin(key);
    std::string prefix;
    if (!o.file.empty())
        prefix = o.file + ":" + std::to_string(o.line) + ": ";
    return prefix + "option " + std::string(key);
}

} // namespace interimap
