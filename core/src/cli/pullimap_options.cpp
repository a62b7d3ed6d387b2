#include "cli/pullimap_options.hpp"

#include "cli/getopt_integer.hpp"

#include <climits>
#include <cstdint>

namespace interimap::cli {

namespace {

PullimapCommandLineError usage_error(std::vector<std::string> messages = {}) {
    return PullimapCommandLineError{std::move(messages)};
}

} // namespace

PullimapCommandLine parse_pullimap_command_line(std::span<const std::string> args) {
    PullimapOptions options;
    std::vector<std::string> sections;
    std::optional<long long> idle;
    bool options_over = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (options_over || arg.size() < 2 || arg[0] != '-') {
            sections.push_back(arg);
            continue;
        }
        if (arg == "--") {
            options_over = true;
            continue;
        }
        if (arg[1] != '-') {
            // Bundled short options: only -q and -h exist.
            for (std::size_t k = 1; k < arg.size(); ++k) {
                if (arg[k] == 'q')
                    options.quiet = true;
                else if (arg[k] == 'h')
                    options.help = true;
                else
                    return usage_error({"Unknown option: " + std::string(1, arg[k])});
            }
            continue;
        }
        const std::size_t eq = arg.find('=');
        const std::string name =
            arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
        const std::optional<std::string> value =
            eq == std::string::npos ? std::nullopt : std::optional(arg.substr(eq + 1));
        auto no_value = [&]() -> std::optional<PullimapCommandLineError> {
            if (value)
                return usage_error({"Option " + name + " does not take an argument"});
            return std::nullopt;
        };
        if (name == "config") {
            if (value) {
                options.config = *value;
            } else if (i + 1 < args.size()) {
                options.config = args[++i];
            } else {
                return usage_error({"Option config requires an argument"});
            }
        } else if (name == "idle") {
            // The value is optional: the next argument is taken only when
            // it is a number, so that `--idle SECTION` works.
            std::string text;
            if (value)
                text = *value;
            else if (i + 1 < args.size() && parse_getopt_integer(args[i + 1]))
                text = args[++i];
            auto n = text.empty() ? std::optional<long long>(0) : parse_getopt_integer(text);
            if (!n || *n < 0 || *n > UINT32_MAX)
                return usage_error(
                    {"Value \"" + text + "\" invalid for option idle (number expected)"});
            idle = *n;
        } else if (name == "quiet" || name == "q") {
            if (auto e = no_value())
                return *e;
            options.quiet = true;
        } else if (name == "debug") {
            if (auto e = no_value())
                return *e;
            ++options.debug;
        } else if (name == "help" || name == "h") {
            if (auto e = no_value())
                return *e;
            options.help = true;
        } else if (name == "no-delivery") {
            if (auto e = no_value())
                return *e;
            options.no_delivery = true;
        } else if (name == "version") {
            // Acted upon at once, as Getopt::Long's auto_version does.
            options.version = true;
            return options;
        } else {
            return usage_error({"Unknown option: " + name});
        }
    }
    if (options.help)
        return options;
    // "_" names the default section, which is no account.
    if (sections.size() != 1 || sections.front() == "_")
        return usage_error();
    options.section = sections.front();
    if (idle)
        options.idle = *idle == 0 ? kDefaultIdle : std::chrono::seconds(*idle);
    return options;
}

PullimapCommandLine parse_pullimap_command_line(int argc, const char* const* argv) {
    std::vector<std::string> args;
    for (int i = 1; i < argc; ++i)
        args.emplace_back(argv[i]);
    return parse_pullimap_command_line(args);
}

std::string pullimap_usage() {
    return "Usage: pullimap [OPTIONS] SECTION\n"
           "Consult the manpage for more information.\n";
}

std::string pullimap_usage_error() {
    return "Usage: pullimap [OPTIONS] SECTION\n"
           "Try 'pullimap --help' or consult the manpage for more information.\n";
}

} // namespace interimap::cli
