#include "commands/server_mailbox.hpp"

namespace interimap::commands {

namespace {

async::Task<Result<void>> run(imap::Connection& connection, imap::Command command,
                              std::string refusal, std::string success) {
    auto done = co_await connection.send(std::move(command));
    if (!done)
        co_return Fail(std::move(done).error());
    if (!done->ok())
        co_return Fail(ErrorCode::refused, refusal + ": " + imap::describe(*done),
                       connection.name());
    connection.logger().info(connection.log_context(), success);
    co_return ok();
}

} // namespace

async::Task<Result<void>> delete_on_server(imap::Connection& connection, const std::string& name) {
    imap::Command command("DELETE");
    command.mailbox(name);
    co_return co_await run(connection, std::move(command), "Couldn't delete mailbox " + name,
                           "Deleted mailbox " + name);
}

async::Task<Result<void>> rename_on_server(imap::Connection& connection, const std::string& from,
                                           const std::string& to) {
    imap::Command command("RENAME");
    command.mailbox(from).mailbox(to);
    co_return co_await run(connection, std::move(command), "Couldn't rename mailbox " + from,
                           "Renamed mailbox " + from + " to " + to);
}

} // namespace interimap::commands
