// Bringing a fresh connection to the authenticated state with QRESYNC
// enabled: greeting, authentication with the first usable mechanism of the
// `auth` option, capability re-read, required extensions, ENABLE QRESYNC.
#pragma once

#include "async/task.hpp"
#include "imap/connection.hpp"
#include "plugin/loader.hpp"

#include <functional>
#include <interimap/config.hpp>
#include <interimap/result.hpp>
#include <string>
#include <vector>

namespace interimap::session {

struct LoginOptions {
    /// Extensions that must be advertised once authenticated; the error names
    /// the first one missing.
    std::vector<std::string> required;
    /// Extensions to ENABLE (RFC 5161).
    std::vector<std::string> enable;
    /// Called once ENABLE is sent, before its answer: the caller pipelines
    /// its next command (the LIST) behind it, saving a round trip.
    std::function<void()> after_enable_sent;
    /// COMPRESS when the `compress` key is absent: interimap turns it off
    /// for its local server, pullimap and interimap's remote keep it on.
    bool compress_by_default = true;
};

async::Task<Result<void>> login(imap::Connection& connection, const ConfigSection& section,
                                plugin::PluginLoader& plugins, const LoginOptions& options);

/// The interimap requirements: QRESYNC, LIST-EXTENDED, UIDPLUS, and
/// LIST-STATUS unless NOTIFY is used (then checked by the run).
LoginOptions interimap_login_options(bool notify);

} // namespace interimap::session
