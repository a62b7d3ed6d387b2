// What --delete and --rename act on (--target) and with what.
#pragma once

#include "app/run_session.hpp"

#include <filesystem>
#include <interimap/config.hpp>
#include <interimap/state_store.hpp>
#include <string>
#include <vector>

namespace interimap::commands {

/// Where a command acts (--target): each server and the database.
struct Targets {
    bool local = false;
    bool remote = false;
    bool database = false;

    bool has(Side side) const { return side == Side::local ? local : remote; }
    /// From the checked --target values ("local", "remote", "database").
    static Targets from_names(const std::vector<std::string>& names);
};

struct CommandSettings {
    ConfigSection local;
    ConfigSection remote;
    std::filesystem::path database;
    /// The MAILBOX arguments, as typed (local hierarchy delimiter).
    std::vector<std::string> mailboxes;
    Targets targets;
};

/// What the session of --delete and --rename lists: the names given,
/// without STATUS or selection options, as the reference does.
app::SessionSettings session_settings(const CommandSettings& settings);

} // namespace interimap::commands
