// interimap --watch and --notify: synchronise round after round on the
// session that the first round opened, as long as it works. Between rounds
// no mailbox is left selected; then either sleep and LIST both servers again
// (--watch), or wait for the servers to report changes (--notify, RFC 5465),
// sending NOOP when they stay silent for the whole interval so that neither
// logs us out.
#pragma once

#include "app/run_session.hpp"
#include "app/termination.hpp"
#include "sync/mailbox_filter.hpp"

#include <chrono>
#include <interimap/result.hpp>

namespace interimap::app {

struct WatchSettings {
    /// --watch=SECONDS: the sleep between rounds, or with --notify the
    /// silence after which both servers get a NOOP.
    std::chrono::seconds interval{60};
    bool notify = false;
    /// When set, SIGTERM ends the watch between rounds.
    Termination* termination = nullptr;
};

/// Runs rounds on `session` (open and listed) until one fails, the error
/// coming back as from run_sync, or until SIGTERM: then the session is
/// finished (traffic summary logged) and the watch succeeds.
Result<void> watch(RunSession& session, const WatchSettings& settings,
                   const sync::MailboxFilter* filter);

} // namespace interimap::app
