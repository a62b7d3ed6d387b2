#include "commands/targets.hpp"

namespace interimap::commands {

Targets Targets::from_names(const std::vector<std::string>& names) {
    Targets t;
    for (const std::string& n : names) {
        if (n == "local")
            t.local = true;
        else if (n == "remote")
            t.remote = true;
        else if (n == "database")
            t.database = true;
    }
    return t;
}

app::SessionSettings session_settings(const CommandSettings& settings) {
    app::SessionSettings s;
    s.local = settings.local;
    s.remote = settings.remote;
    s.database = settings.database;
    s.patterns = settings.mailboxes;
    return s;
}

} // namespace interimap::commands
