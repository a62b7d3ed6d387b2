// interimap's configuration file: the default section and the [local] and
// [remote] connections, validated against the manual's option table.
#pragma once

#include "config/ini_file.hpp"
#include "config/option_rules.hpp"
#include "log/log_prefix.hpp"

#include <filesystem>
#include <interimap/config.hpp>
#include <interimap/result.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace interimap::config {

struct InterimapConfig {
    /// The default section as written (global options and inherited ones).
    ConfigSection defaults;
    /// [local] and [remote]: the section's own options over the connection
    /// options of the default section, then the defaults of the manual
    /// (type=imaps, host=localhost, port 993 or 143, STARTTLS=YES,
    /// auth=PLAIN LOGIN, compress=NO for local and YES for remote,
    /// null-stderr=NO, list-reference empty).
    ConfigSection local;
    ConfigSection remote;
    /// The file it was read from, as named in messages.
    std::string file;
    /// list-mailbox split and unquoted (NUL stands for the hierarchy delimiter).
    std::optional<std::vector<std::string>> list_mailbox;
    /// log-prefix, compiled (the default format when unset).
    log::LogPrefix log_prefix;
};

/// The options interimap accepts: the connection options, list-reference, and
/// the default-section-only database, logfile, log-prefix, list-mailbox,
/// list-select-opts and ignore-mailbox.
std::span<const OptionRule> interimap_option_rules();

/// Validates a parsed file: unknown sections and options, options outside
/// their section, bad values, missing [local] or [remote] are errors naming
/// the file and line.
Result<InterimapConfig> interimap_config_from_ini(const IniFile& ini);

/// Reads and validates `file` ("No such config file FILE" if it is not a
/// readable regular file).
Result<InterimapConfig> load_interimap_config(const std::filesystem::path& file);

/// The file named by --config (default "config"), relative paths starting
/// from $XDG_CONFIG_HOME/interimap or ~/.config/interimap.
Result<std::filesystem::path> resolve_config_path(const std::optional<std::string>& config_option);

/// The database file: the `database` option, or HOST.db with HOST the
/// [remote] host (so "localhost.db" for a tunnel without host). Relative paths
/// start from $XDG_DATA_HOME/interimap or ~/.local/share/interimap, which is
/// created (0700) if missing.
Result<std::filesystem::path> database_path(const InterimapConfig& config);

} // namespace interimap::config
