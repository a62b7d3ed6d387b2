// DELETE and RENAME of one mailbox on one server, logged with the
// reference's wording: "Deleted mailbox X", "Renamed mailbox X to Y" once the
// server accepted (info, hidden by --quiet), and a refusal as an error
// quoting the server's answer.
#pragma once

#include "async/task.hpp"
#include "imap/connection.hpp"

#include <interimap/result.hpp>
#include <string>

namespace interimap::commands {

/// `name` is the server's spelling; the caller keeps it alive.
async::Task<Result<void>> delete_on_server(imap::Connection& connection, const std::string& name);

/// RENAME moves the children along (RFC 3501 6.3.5).
async::Task<Result<void>> rename_on_server(imap::Connection& connection, const std::string& from,
                                           const std::string& to);

} // namespace interimap::commands
