#include "command_line.hpp"

namespace interimap::tunnel {

namespace {

constexpr std::string_view kShellMetacharacters = "$&*(){}[]'\";\\|?<>~`\n";

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool is_word_char(char c) {
    return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Leading blanks and one final newline do not count: they are not part of
// what the user meant to run.
std::string_view trimmed(std::string_view command) {
    while (!command.empty() && is_space(command.front()))
        command.remove_prefix(1);
    if (!command.empty() && command.back() == '\n')
        command.remove_suffix(1);
    return command;
}

bool starts_with_word_then_space(std::string_view command, std::string_view word) {
    return command.size() > word.size() && command.substr(0, word.size()) == word &&
           is_space(command[word.size()]);
}

} // namespace

bool needs_shell(std::string_view command) {
    command = trimmed(command);
    // Shell builtins that only make sense inside a shell.
    if (starts_with_word_then_space(command, ".") || starts_with_word_then_space(command, "exec"))
        return true;
    // `VAR=value program`: an environment assignment only a shell understands.
    std::size_t i = 0;
    while (i < command.size() && is_word_char(command[i]))
        ++i;
    if (i < command.size() && command[i] == '=')
        return true;
    return command.find_first_of(kShellMetacharacters) != std::string_view::npos;
}

ExecPlan plan_exec(std::string_view command) {
    ExecPlan plan;
    if (needs_shell(command)) {
        plan.via_shell = true;
        plan.argv = {"/bin/sh", "-c", std::string(trimmed(command))};
        return plan;
    }
    std::size_t i = 0;
    while (i < command.size()) {
        while (i < command.size() && is_space(command[i]))
            ++i;
        std::size_t start = i;
        while (i < command.size() && !is_space(command[i]))
            ++i;
        if (i > start)
            plan.argv.emplace_back(command.substr(start, i - start));
    }
    return plan;
}

} // namespace interimap::tunnel
