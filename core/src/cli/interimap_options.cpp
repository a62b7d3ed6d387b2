#include "cli/interimap_options.hpp"

#include "cli/getopt_integer.hpp"

#include <algorithm>
#include <boost/program_options.hpp>
#include <climits>
#include <cstdint>

namespace interimap::cli {

namespace po = boost::program_options;

namespace {

using Command = InterimapOptions::Command;

bool is_option_token(const std::string& tok) {
    return tok.size() > 1 && tok[0] == '-';
}

po::option make_option(std::string key, std::vector<std::string> tokens, std::string value) {
    po::option opt;
    opt.string_key = std::move(key);
    opt.original_tokens = std::move(tokens);
    opt.value.push_back(std::move(value));
    return opt;
}

// What Boost's own parsers do differently from Getopt::Long, handled before
// them: options end at the first non-option argument; `--watch` takes the
// next argument only when it is a number; `--config` and `--target` take the
// next argument whatever it looks like; `--opt=` gives an empty value.
std::vector<po::option> getopt_compat_parser(std::vector<std::string>& args) {
    const std::string& tok = args[0];
    if (!is_option_token(tok)) {
        std::vector<po::option> rest;
        for (std::string& arg : args) {
            po::option opt;
            opt.value.push_back(arg);
            opt.original_tokens.push_back(arg);
            opt.position_key = INT_MAX; // positional for good, like after "--"
            rest.push_back(std::move(opt));
        }
        args.clear();
        return rest;
    }
    if (tok == "--watch") {
        std::vector<std::string> tokens{tok};
        std::string value;
        if (args.size() > 1 && parse_getopt_integer(args[1])) {
            value = args[1];
            tokens.push_back(args[1]);
        }
        args.erase(args.begin(), args.begin() + static_cast<long>(tokens.size()));
        return {make_option("watch", std::move(tokens), std::move(value))};
    }
    for (std::string name : {"config", "target", "watch"}) {
        if (tok == "--" + name + "=") {
            args.erase(args.begin());
            return {make_option(name, {"--" + name + "="}, "")};
        }
        if (name != "watch" && tok == "--" + name && args.size() > 1) {
            po::option opt = make_option(name, {args[0], args[1]}, args[1]);
            args.erase(args.begin(), args.begin() + 2);
            return {opt};
        }
    }
    return {};
}

po::options_description option_table() {
    po::options_description d;
    d.add_options()                          //
        ("config", po::value<std::string>()) //
        ("quiet,q", "")                      //
        ("q", "")                            // --q, which Getopt::Long also accepts
        ("target", po::value<std::string>()) //
        ("debug", "")                        //
        ("help,h", "")                       //
        ("h", "")                            // --h
        ("watch", po::value<std::string>())  //
        ("notify", "")                       //
        ("version", "")                      //
        ("repair", "")                       //
        ("delete", "")                       //
        ("rename", "")                       //
        ("mailbox", po::value<std::vector<std::string>>());
    return d;
}

// The option a Boost error is about, as Getopt::Long names it: without
// dashes or value, and within a bundle of short options the first unknown one.
std::string option_name(const std::string& token) {
    if (token.rfind("--", 0) == 0)
        return token.substr(2, token.find('=') == std::string::npos ? std::string::npos
                                                                    : token.find('=') - 2);
    if (token.size() > 1 && token[0] == '-') {
        std::size_t unknown = token.find_first_not_of("qh", 1);
        return token.substr(unknown == std::string::npos ? 1 : unknown, 1);
    }
    return token;
}

// Getopt::Long's messages, which scripts and users know.
std::string describe(const po::error& e) {
    if (auto* u = dynamic_cast<const po::unknown_option*>(&e))
        return "Unknown option: " + option_name(u->get_option_name());
    if (auto* s = dynamic_cast<const po::invalid_command_line_syntax*>(&e)) {
        std::string option = option_name(s->get_option_name());
        switch (s->kind()) {
        case po::invalid_command_line_syntax::extra_parameter:
        // "--flag=": the options taking a value accept an empty one (see
        // getopt_compat_parser), so only flags get here.
        case po::invalid_command_line_syntax::empty_adjacent_parameter:
            return "Option " + option + " does not take an argument";
        case po::invalid_command_line_syntax::missing_parameter:
            return "Option " + option + " requires an argument";
        default:
            break;
        }
    }
    return e.what();
}

CommandLineError usage_error(std::vector<std::string> messages = {}) {
    return CommandLineError{std::move(messages), true, 1};
}

// --version is acted upon as soon as Getopt::Long reaches it, before any
// other check: look for it among the options (not in option values).
bool asks_for_version(std::span<const std::string> args) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& tok = args[i];
        if (tok == "--" || !is_option_token(tok))
            return false;
        if (tok == "--version")
            return true;
        if (tok == "--config" || tok == "--target")
            ++i;
    }
    return false;
}

bool is_ascii_name(const std::string& name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u >= 0x01 && u <= 0x7F;
    });
}

bool equals_ignoring_ascii_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
               return lower(x) == lower(y);
           });
}

std::vector<std::string> split_targets(const std::vector<std::string>& values) {
    std::vector<std::string> targets;
    for (const std::string& v : values) {
        std::size_t start = 0;
        while (start <= v.size()) {
            std::size_t comma = std::min(v.find(',', start), v.size());
            if (comma > start)
                targets.push_back(v.substr(start, comma - start));
            start = comma + 1;
        }
    }
    return targets;
}

} // namespace

CommandLine parse_interimap_command_line(std::span<const std::string> args) {
    InterimapOptions options;
    if (asks_for_version(args)) {
        options.version = true;
        return options;
    }

    po::options_description table = option_table();
    po::positional_options_description positional;
    positional.add("mailbox", -1);
    po::parsed_options parsed(&table);
    try {
        parsed =
            po::command_line_parser(std::vector<std::string>(args.begin(), args.end()))
                .options(table)
                .positional(positional)
                .style(po::command_line_style::unix_style & ~po::command_line_style::allow_guessing)
                .extra_style_parser(getopt_compat_parser)
                .run();
    } catch (const po::error& e) {
        return usage_error({describe(e)});
    }

    std::vector<std::string> target_values;
    bool target_given = false;
    std::vector<Command> commands;
    std::optional<long long> watch;
    for (const po::option& opt : parsed.options) {
        const std::string& key = opt.string_key;
        const std::string value = opt.value.empty() ? std::string() : opt.value.front();
        if (key == "config") {
            options.config = value;
        } else if (key == "quiet" || key == "q") {
            options.quiet = true;
        } else if (key == "target") {
            target_given = true;
            target_values.push_back(value);
        } else if (key == "debug") {
            ++options.debug;
        } else if (key == "help" || key == "h") {
            options.help = true;
        } else if (key == "watch") {
            auto n = value.empty() ? std::optional<long long>(0) : parse_getopt_integer(value);
            if (!n || *n < 0 || *n > UINT32_MAX)
                return usage_error(
                    {"Value \"" + value + "\" invalid for option watch (number expected)"});
            watch = *n;
        } else if (key == "notify") {
            options.notify = true;
        } else if (key == "repair" || key == "delete" || key == "rename") {
            Command c = key == "repair"   ? Command::repair
                        : key == "delete" ? Command::delete_
                                          : Command::rename;
            if (std::find(commands.begin(), commands.end(), c) == commands.end())
                commands.push_back(c);
        } else if (key == "mailbox") {
            options.mailboxes.insert(options.mailboxes.end(), opt.value.begin(), opt.value.end());
        }
    }
    if (options.help)
        return options;

    if (commands.size() > 1)
        return usage_error();
    if (!commands.empty())
        options.command = commands.front();
    const Command command = options.command;
    if ((command == Command::delete_ && options.mailboxes.empty()) ||
        (command == Command::rename && options.mailboxes.size() != 2))
        return usage_error();
    if (command != Command::sync && (watch || options.notify))
        return usage_error();
    if (target_given && command != Command::delete_ && command != Command::rename)
        return usage_error();

    if (watch || options.notify)
        options.watch = static_cast<unsigned>(watch.value_or(0));
    if (options.watch && *options.watch == 0)
        options.watch = options.notify ? 900 : 60;

    for (std::string& mailbox : options.mailboxes) {
        if (equals_ignoring_ascii_case(mailbox, "INBOX"))
            mailbox = "INBOX";
        if (!is_ascii_name(mailbox))
            return CommandLineError{{"Invalid mailbox name " + mailbox}, false, 255};
    }

    if (target_given) {
        for (const std::string& t : split_targets(target_values)) {
            if (t != "local" && t != "remote" && t != "database")
                return CommandLineError{{"Invalid target " + t}, false, 255};
            if (std::find(options.targets.begin(), options.targets.end(), t) ==
                options.targets.end())
                options.targets.push_back(t);
        }
    } else {
        options.targets = {"local", "remote", "database"};
    }
    return options;
}

CommandLine parse_interimap_command_line(int argc, const char* const* argv) {
    std::vector<std::string> args;
    for (int i = 1; i < argc; ++i)
        args.emplace_back(argv[i]);
    return parse_interimap_command_line(args);
}

std::string interimap_usage() {
    return "Usage: interimap [OPTIONS] [MAILBOX [..]]\n"
           "  or: interimap [OPTIONS] --repair [MAILBOX [..]]\n"
           "  or: interimap [OPTIONS] --delete MAILBOX [..]\n"
           "  or: interimap [OPTIONS] --rename SOURCE DEST\n"
           "Consult the manpage for more information.\n";
}

std::string interimap_usage_error() {
    return "Usage: interimap [OPTIONS] [COMMAND] [MAILBOX [..]]\n"
           "Try 'interimap --help' or consult the manpage for more information.\n";
}

std::string interimap_version(std::string_view program) {
    return std::string(program) + " version " + INTERIMAP_VERSION + "\n";
}

} // namespace interimap::cli
