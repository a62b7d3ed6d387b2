// pullimap's command line, with the reference's syntax: GNU-style long
// options that may come before or after SECTION (Getopt::Long's "permute"),
// bundled short options (-qh), "--" ending the options, no abbreviations.
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace interimap::cli {

struct PullimapOptions {
    std::optional<std::string> config; ///< --config=FILE (the last one given)
    /// --idle[=SECONDS]: how long one IDLE lasts (29 minutes when no value
    /// or 0 is given).
    std::optional<std::chrono::seconds> idle;
    bool no_delivery = false; ///< --no-delivery
    bool quiet = false;       ///< -q, --quiet
    int debug = 0;            ///< how many times --debug was given
    bool help = false;        ///< -h, --help
    bool version = false;     ///< --version
    std::string section;      ///< SECTION
};

/// A refused command line: the messages, then pullimap_usage_error(), both
/// on stderr; exit status 1.
struct PullimapCommandLineError {
    std::vector<std::string> messages;
};

using PullimapCommandLine = std::variant<PullimapOptions, PullimapCommandLineError>;

/// The default length of one IDLE: under the 30 minutes after which RFC
/// 3501 lets a server log an inactive client out.
inline constexpr std::chrono::seconds kDefaultIdle{29 * 60};

/// Parses the arguments after the program name. When `help` or `version` is
/// set, SECTION is not required.
PullimapCommandLine parse_pullimap_command_line(std::span<const std::string> args);
PullimapCommandLine parse_pullimap_command_line(int argc, const char* const* argv);

/// The --help text.
std::string pullimap_usage();
/// The two lines printed after a usage error.
std::string pullimap_usage_error();

} // namespace interimap::cli
