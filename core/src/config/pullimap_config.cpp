#include "config/pullimap_config.hpp"

#include "config/ini_file.hpp"
#include "config/value_syntax.hpp"
#include "config/xdg.hpp"
#include "delivery/deliver_method.hpp"

#include <algorithm>
#include <unistd.h>
#include <vector>

namespace interimap::config {

namespace {

bool is_deliver_method(std::string_view v) {
    return static_cast<bool>(delivery::parse_deliver_method(v));
}

bool is_days(std::string_view v) {
    // Empty is allowed, as by the reference: no purge.
    return v.size() <= 9 &&
           std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
}

constexpr OptionScope any = OptionScope::any_section;

constexpr OptionRule own_rules[] = {
    {"statefile", any, is_nonempty_printable, "a file name"},
    {"mailbox", any, is_ascii_text, "a mailbox name (modified UTF-7, unquoted)"},
    {"deliver-method", any, is_deliver_method, "smtp:[ADDRESS]:PORT or lmtp:[ADDRESS]:PORT"},
    {"deliver-ehlo", any, is_nonempty_printable, "a domain name"},
    {"deliver-rcpt", any, is_nonempty_printable, "an address"},
    {"purge-after", any, is_days, "a number of days"},
};

} // namespace

std::span<const OptionRule> pullimap_option_rules() {
    static const std::vector<OptionRule> rules = with_connection_rules(own_rules);
    return rules;
}

Result<ConfigSection> pullimap_section_from_ini(const IniFile& ini, std::string_view name) {
    std::span<const OptionRule> rules = pullimap_option_rules();
    const IniSection* defaults = ini.find("");
    const IniSection* own = ini.find(name);
    if (own == nullptr || name.empty())
        return Fail(ErrorCode::config, "No such section " + std::string(name));
    INTERIMAP_TRY(check_section(defaults->values, rules));
    INTERIMAP_TRY(check_section(own->values, rules));
    return connection_section(defaults->values, own->values, rules);
}

Result<ConfigSection> load_pullimap_section(const std::filesystem::path& file,
                                            std::string_view name) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec) || ::access(file.c_str(), R_OK) != 0)
        return Fail(ErrorCode::not_found, "No such config file " + file.string());
    auto ini = read_ini_file(file);
    if (!ini)
        return Fail(std::move(ini).error());
    return pullimap_section_from_ini(*ini, name);
}

Result<std::filesystem::path>
resolve_pullimap_config_path(const std::optional<std::string>& option) {
    return xdg_resolve(XdgDirectory::config, "pullimap", option.value_or("config"), false);
}

} // namespace interimap::config
