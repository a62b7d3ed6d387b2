// Key tables: which options a program accepts, in which sections, and what
// their values look like. The connection options are shared by interimap and
// pullimap; each program adds its own keys (see interimap_config.cpp).
#pragma once

#include <interimap/config.hpp>
#include <interimap/result.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace interimap::config {

enum class OptionScope {
    default_only, ///< only in the default (unnamed) section
    any_section,  ///< in any section; a default-section value is inherited by the others
};

/// One accepted option.
struct OptionRule {
    std::string_view key;
    OptionScope scope = OptionScope::any_section;
    bool (*valid)(std::string_view value) = nullptr;
    std::string_view expected; ///< what a valid value looks like, for messages
};

/// The options of one IMAP connection (type, host, port, ..., SSL_*).
std::span<const OptionRule> connection_option_rules();

/// A program's table: its own rules, then the connection options.
std::vector<OptionRule> with_connection_rules(std::span<const OptionRule> own);

/// The rule for `key`, or nullptr.
const OptionRule* find_rule(std::span<const OptionRule> rules, std::string_view key);

/// Checks every key of `section` against `rules`. Errors name file and line:
/// "FILE:LINE: unknown option KEY in section [S]", "FILE:LINE: option KEY is
/// only valid in the default section", "FILE:LINE: Invalid option KEY = VALUE
/// (expected ...)".
Result<void> check_section(const ConfigSection& section, std::span<const OptionRule> rules);

/// A connection section as a program uses it: `own` over the options of
/// `defaults` that `rules` let sections inherit, then the defaults of the
/// manual for what is still unset (type=imaps, host=localhost, port 993 or
/// 143 after the type, STARTTLS=YES, auth=PLAIN LOGIN, null-stderr=NO).
/// `compress` is left unset when not written: its default depends on the
/// section, and an explicit YES needs the compression plugin.
ConfigSection connection_section(const ConfigSection& defaults, const ConfigSection& own,
                                 std::span<const OptionRule> rules);

/// "FILE:LINE: " for `key` of `section` ("" when the key has no origin).
std::string location_of(const ConfigSection& section, std::string_view key);

/// "[name]", or "the default section".
std::string describe_section(const ConfigSection& section);

} // namespace interimap::config
