#include "sync/selection_router.hpp"

namespace interimap::sync {

SelectionRouter::SelectionRouter(imap::Connection& connection) : connection_(connection) {
    connection_.set_unsolicited_handler([this](const imap::Response& r) { route(r); });
}

SelectionRouter::~SelectionRouter() {
    connection_.set_unsolicited_handler(nullptr);
}

imap::PendingCommand SelectionRouter::send_select(imap::Command select,
                                                  const std::shared_ptr<SelectedMailbox>& mailbox) {
    // With nothing selected yet there is nothing to close: the server's
    // answers are about the new mailbox at once.
    if (!current_ && entering_.empty())
        current_ = mailbox;
    else
        entering_.push_back(mailbox);
    last_sent_ = mailbox;
    imap::CommandOptions opts;
    opts.switches_mailbox = true;
    return connection_.send(std::move(select), std::move(opts));
}

void SelectionRouter::route(const imap::Response& r) {
    if (r.keyword == "OK" && r.code && r.code->name == "CLOSED" && !entering_.empty()) {
        current_ = std::move(entering_.front());
        entering_.pop_front();
        return;
    }
    if (current_)
        current_->handle(r);
}

} // namespace interimap::sync
