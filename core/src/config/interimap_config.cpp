#include "config/interimap_config.hpp"

#include <unistd.h>
#include <vector>

#define PCRE2_CODE_UNIT_WIDTH 8
#include "config/list_mailbox.hpp"
#include "config/value_syntax.hpp"
#include "config/xdg.hpp"

#include <pcre2.h>

namespace interimap::config {

namespace {

constexpr std::string_view program_name = "interimap";

bool is_absolute_file(std::string_view v) {
    return v.size() > 1 && v.front() == '/' && is_printable(v);
}

bool is_nonempty_imap_text(std::string_view v) {
    return !v.empty() && is_imap_text(v);
}

constexpr OptionScope global = OptionScope::default_only;
constexpr OptionScope any = OptionScope::any_section;

constexpr OptionRule own_rules[] = {
    {"database", global, is_nonempty_printable, "a file name"},
    {"logfile", global, is_absolute_file, "an absolute file name"},
    {"log-prefix", global, is_printable, "a format without control characters"},
    {"list-mailbox", global, is_nonempty_imap_text, "space-separated mailbox patterns"},
    {"list-select-opts", global, is_list_select_opts, "space-separated LIST selection options"},
    {"ignore-mailbox", global, is_nonempty_imap_text, "a regular expression"},
    {"list-reference", any, is_imap_text, "a reference name"},
};

Fail invalid_value(const ConfigSection& section, std::string_view key, const std::string& why) {
    return Fail(ErrorCode::config, location_of(section, key) + "Invalid option " +
                                       std::string(key) + " = " + section.get_or(key, "") + " (" +
                                       why + ")");
}

Result<void> check_ignore_mailbox(const ConfigSection& defaults) {
    auto pattern = defaults.get("ignore-mailbox");
    if (!pattern)
        return ok();
    int code = 0;
    PCRE2_SIZE offset = 0;
    pcre2_code* re = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern->data()), pattern->size(),
                                   0, &code, &offset, nullptr);
    if (re != nullptr) {
        pcre2_code_free(re);
        return ok();
    }
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(code, message, sizeof message);
    return invalid_value(defaults, "ignore-mailbox",
                         std::string(reinterpret_cast<const char*>(message)) + " at offset " +
                             std::to_string(offset));
}

} // namespace

std::span<const OptionRule> interimap_option_rules() {
    static const std::vector<OptionRule> rules = with_connection_rules(own_rules);
    return rules;
}

Result<InterimapConfig> interimap_config_from_ini(const IniFile& ini) {
    std::span<const OptionRule> rules = interimap_option_rules();
    for (const IniSection& s : ini.sections) {
        const std::string& name = s.values.name();
        if (!name.empty() && name != "local" && name != "remote")
            return Fail(ErrorCode::config, ini.file + ":" + std::to_string(s.line) +
                                               ": unknown section [" + name + "]");
        INTERIMAP_TRY(check_section(s.values, rules));
    }

    InterimapConfig config;
    config.file = ini.file;
    config.defaults = ini.find("")->values;

    for (const char* name : {"local", "remote"}) {
        const IniSection* section = ini.find(name);
        if (section == nullptr)
            return Fail(ErrorCode::config, ini.file + ": No such section " + name);
        ConfigSection& merged = std::string_view(name) == "local" ? config.local : config.remote;
        merged = connection_section(config.defaults, section->values, rules);
        if (!merged.has("list-reference"))
            merged.set("list-reference", "");
    }

    if (auto v = config.defaults.get("list-mailbox")) {
        auto patterns = parse_list_mailbox(*v);
        if (!patterns)
            return Fail(ErrorCode::config,
                        location_of(config.defaults, "list-mailbox") + patterns.error().message);
        config.list_mailbox = std::move(*patterns);
    }
    if (auto v = config.defaults.get("log-prefix")) {
        auto prefix = log::LogPrefix::compile(*v);
        if (!prefix)
            return invalid_value(config.defaults, "log-prefix", prefix.error().message);
        config.log_prefix = std::move(*prefix);
    }
    INTERIMAP_TRY(check_ignore_mailbox(config.defaults));
    return config;
}

Result<InterimapConfig> load_interimap_config(const std::filesystem::path& file) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec) || ::access(file.c_str(), R_OK) != 0)
        return Fail(ErrorCode::not_found, "No such config file " + file.string());
    auto ini = read_ini_file(file);
    if (!ini)
        return Fail(std::move(ini).error());
    return interimap_config_from_ini(*ini);
}

Result<std::filesystem::path> resolve_config_path(const std::optional<std::string>& config_option) {
    return xdg_resolve(XdgDirectory::config, program_name, config_option.value_or("config"), false);
}

Result<std::filesystem::path> database_path(const InterimapConfig& config) {
    std::string file =
        config.defaults.get_or("database", config.remote.get_or("host", "localhost") + ".db");
    return xdg_resolve(XdgDirectory::data, program_name, file, true);
}

} // namespace interimap::config
