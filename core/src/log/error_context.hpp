// Where an error happened, for the log prefix. An Error carries one string
// of context (the plugin SDK's Error::context, a log name such as "remote");
// an error the sync engine raises about one mailbox spells it
// "remote(INBOX)", and the program splits it back into the component and
// the mailbox, so that a user's log-prefix gets %n and %m as for any other
// line about that mailbox.
#pragma once

#include <interimap/log.hpp>
#include <string>
#include <string_view>

namespace interimap::log {

/// "name(mailbox)", or "name" when `mailbox` is empty.
std::string error_context(std::string_view name, std::string_view mailbox);

/// The log context an Error's `context` string stands for (views into it).
LogContext log_context_of(std::string_view context);

} // namespace interimap::log
