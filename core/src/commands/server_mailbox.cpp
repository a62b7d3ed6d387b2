#include "commands/server_mailbox.hpp"

namespace interimap::commands {

namespace {

std::string quote_value(const imap::Value& v) {
    switch (v.kind) {
    case imap::Value::Kind::string: {
        std::string out = "\"";
        for (char c : v.text) {
            if (c == '"' || c == '\\')
                out += '\\';
            out += c;
        }
        return out + '"';
    }
    case imap::Value::Kind::list: {
        std::string out = "(";
        for (std::size_t i = 0; i < v.items.size(); ++i)
            out += (i ? " " : "") + quote_value(v.items[i]);
        return out + ')';
    }
    default:
        return v.text;
    }
}

async::Task<Result<void>> run(imap::Connection& connection, imap::Command command,
                              std::string refusal, std::string success) {
    auto done = co_await connection.send(std::move(command));
    if (!done)
        co_return Fail(std::move(done).error());
    if (!done->ok())
        co_return Fail(ErrorCode::refused, refusal + ": " + quote_completion(*done),
                       connection.name());
    connection.logger().info(connection.log_context(), success);
    co_return ok();
}

} // namespace

std::string quote_completion(const imap::Completion& done) {
    std::string out = done.status;
    if (done.code) {
        out += " [" + done.code->name;
        for (const imap::Value& arg : done.code->args)
            out += ' ' + quote_value(arg);
        out += ']';
    }
    if (!done.text.empty())
        out += ' ' + done.text;
    return out;
}

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
