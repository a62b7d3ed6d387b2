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
    if (!state_->current && state_->entering.empty())
        state_->current = mailbox;
    else
        state_->entering.push_back(mailbox);
    last_sent_ = mailbox;
    imap::CommandOptions opts;
    opts.switches_mailbox = true;
    opts.on_tagged = [state = state_](const imap::Completion& done) {
        if (!done.ok()) {
            state->broken = true;
            state->current.reset();
            state->entering.clear();
        }
    };
    return connection_.send(std::move(select), std::move(opts));
}

void SelectionRouter::selected_before() {
    if (!state_->current && state_->entering.empty())
        state_->current = std::make_shared<SelectedMailbox>("");
}

void SelectionRouter::route(const imap::Response& r) {
    State& s = *state_;
    if (s.broken)
        return;
    if (r.keyword == "OK" && r.code && r.code->name == "CLOSED" && !s.entering.empty()) {
        s.current = std::move(s.entering.front());
        s.entering.pop_front();
        return;
    }
    if (s.current)
        s.current->handle(r);
}

} // namespace interimap::sync
