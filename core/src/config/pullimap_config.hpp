// pullimap's configuration file: one section per account, each with its
// connection and delivery options over those of the default section
// (pullimap(1) 0.5.7, CONFIGURATION FILE).
#pragma once

#include "config/ini_file.hpp"
#include "config/option_rules.hpp"

#include <filesystem>
#include <interimap/config.hpp>
#include <interimap/result.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace interimap::config {

/// The options pullimap accepts: the connection options and its own
/// (statefile, mailbox, deliver-method, deliver-ehlo, deliver-rcpt,
/// purge-after), anywhere, a default-section value being inherited. Unlike
/// interimap there is no logfile or log-prefix (the reference refuses them).
std::span<const OptionRule> pullimap_option_rules();

/// The section for account `name`, merged with the default section and the
/// connection defaults. Only the default section and this one are checked,
/// as the reference does: the other accounts' mistakes are theirs. "No such
/// section NAME" (ErrorCode::config, no context: exit status 255).
Result<ConfigSection> pullimap_section_from_ini(const IniFile& ini, std::string_view name);

/// Reads `file` ("No such config file FILE" if not a readable regular file)
/// and returns the section `name`.
Result<ConfigSection> load_pullimap_section(const std::filesystem::path& file,
                                            std::string_view name);

/// The file named by --config (default "config"), relative paths starting
/// from $XDG_CONFIG_HOME/pullimap or ~/.config/pullimap.
Result<std::filesystem::path>
resolve_pullimap_config_path(const std::optional<std::string>& option);

} // namespace interimap::config
