// How a tunnel `command` is executed: through `/bin/sh -c` when it needs a
// shell, otherwise split into words for execvp(3). The rule is the one of
// Perl's one-argument exec(), which the reference implementation relies on,
// so that existing configurations behave the same.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace interimap::tunnel {

/// The program and arguments to execute for a tunnel command.
struct ExecPlan {
    bool via_shell = false;        ///< argv is {"/bin/sh", "-c", command}
    std::vector<std::string> argv; ///< argv[0] is looked up in PATH
};

/// True when `command` must be interpreted by the shell: it contains one of
/// $ & * ( ) { } [ ] ' " ; \ | ? < > ~ ` or an inner newline, starts with a
/// variable assignment (`VAR=value cmd`), or starts with `exec ` or `. `.
bool needs_shell(std::string_view command);

/// The plan for `command`; an empty argv when the command has no word.
ExecPlan plan_exec(std::string_view command);

} // namespace interimap::tunnel
