// interimap's command line: options, command and mailboxes, with the
// reference implementation's syntax (GNU-style long options, bundled short
// options, options end at the first MAILBOX or at "--") and checks.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace interimap::cli {

struct InterimapOptions {
    enum class Command { sync, repair, delete_, rename };

    std::optional<std::string> config;  ///< --config=FILE (the last one given)
    std::vector<std::string> targets;   ///< --target values, split at commas and checked;
                                        ///< {"local", "remote", "database"} when not given
    std::optional<unsigned> watch;      ///< seconds between runs with --watch or --notify
                                        ///< (default 60, or 900 with --notify)
    bool notify = false;                ///< --notify
    bool quiet = false;                 ///< -q, --quiet
    int debug = 0;                      ///< how many times --debug was given
    bool help = false;                  ///< -h, --help: print interimap_usage(), exit 0
    bool version = false;               ///< --version: print interimap_version(), exit 0
    Command command = Command::sync;    ///< --repair, --delete or --rename
    std::vector<std::string> mailboxes; ///< MAILBOX arguments ("INBOX" in any case becomes INBOX)
};

/// A refused command line, and how the program should report it.
struct CommandLineError {
    std::vector<std::string> messages; ///< lines for stderr first (may be none)
    bool show_usage = true;            ///< then interimap_usage_error() on stderr
    int exit_status = 1;               ///< 1 for usage errors, 255 for bad names and targets
};

using CommandLine = std::variant<InterimapOptions, CommandLineError>;

/// Parses the arguments after the program name. When `help` or `version` is
/// set, the other fields are not checked.
CommandLine parse_interimap_command_line(std::span<const std::string> args);
CommandLine parse_interimap_command_line(int argc, const char* const* argv);

/// The --help text (five lines, ending with a newline).
std::string interimap_usage();
/// The two lines printed after a usage error.
std::string interimap_usage_error();
/// The --version line: "PROGRAM version VERSION\n".
std::string interimap_version(std::string_view program);

} // namespace interimap::cli
