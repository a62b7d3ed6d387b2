#include "pullimap/delivery_pipeline.hpp"

#include <chrono>

namespace interimap::pullimap {

DeliveryPipeline::DeliveryPipeline(DeliverySettings settings, Statefile& statefile, Logger& logger,
                                   async::EventLoop& loop)
    : settings_(std::move(settings)), statefile_(statefile), logger_(logger), loop_(loop) {}

DeliveryPipeline::~DeliveryPipeline() = default;

void DeliveryPipeline::fail(Error e) {
    if (!failure_)
        failure_ = std::move(e);
}

void DeliveryPipeline::record(std::uint32_t uid) {
    if (auto r = statefile_.record_delivered(uid); !r) {
        fail(std::move(r).error());
        return;
    }
    recorded_.push_back(uid);
}

void DeliveryPipeline::record_only(std::uint32_t uid) {
    if (!failure_)
        record(uid);
}

bool DeliveryPipeline::open_session() {
    if (client_)
        return true;
    auto stream = delivery::connect_deliver_method(settings_.method);
    if (!stream) {
        fail(make_error(ErrorCode::io, "Can't connect to " + settings_.method.text() + ": " +
                                           std::move(stream).error().message));
        return false;
    }
    // The guardian records what the server accepts after we are gone.
    auto guardian = DeliveryGuardian::start((*stream)->poll_events(false).fd, statefile_.fd());
    if (!guardian) {
        fail(std::move(guardian).error());
        return false;
    }
    guardian_ = std::move(*guardian);
    delivery::SmtpOptions options;
    options.protocol = settings_.method.protocol;
    options.ehlo = settings_.ehlo;
    options.recipients = {settings_.recipient};
    options.log_name = settings_.log_name;
    client_ = std::make_unique<delivery::SmtpClient>(std::move(options), std::move(*stream),
                                                     logger_, loop_);
    // Messages submitted meanwhile wait in the client for EHLO's answer.
    opening_ = client_->open();
    opening_.start();
    return true;
}

void DeliveryPipeline::submit(std::uint32_t uid, std::string sender, std::string message) {
    if (failure_ || !open_session())
        return;
    const std::size_t size = message.size();
    ++pending_;
    pending_bytes_ += size;
    DeliveryGuardian* guardian = guardian_.get();
    delivery::CommitHooks hooks;
    hooks.sending = [guardian, uid](std::uint32_t replies) { guardian->sending(uid, replies); };
    hooks.sent = [guardian] { guardian->sent(); };
    auto wait = client_->deliver(std::move(sender), std::move(message), std::move(hooks));
    wait.on_done([this, guardian, uid, size](const Result<void>& r) {
        --pending_;
        pending_bytes_ -= size;
        if (r) {
            guardian->accepted();
            record(uid);
            guardian->settled();
            return;
        }
        guardian->settled();
        fail(make_error(r.error().code, "Couldn't deliver UID " + std::to_string(uid) + " to " +
                                            settings_.method.text() + ": " + r.error().message));
    });
}

async::Task<Result<void>> DeliveryPipeline::finish() {
    if (pending_ > 0)
        (void)co_await loop_.wait_until([this] { return pending_ == 0; },
                                        std::chrono::steady_clock::now() + std::chrono::hours(24));
    if (client_) {
        auto opened = co_await opening_;
        if (!opened)
            fail(make_error(opened.error().code, "SMTP session with " + settings_.method.text() +
                                                     " failed: " + opened.error().message));
        if (opened && !client_->failure()) {
            auto quit = co_await client_->quit();
            if (!quit && !failure_)
                fail(make_error(quit.error().code,
                                settings_.method.text() + ": " + quit.error().message));
        }
        client_.reset();
        guardian_.reset();
    }
    if (failure_)
        co_return Fail(*failure_);
    co_return ok();
}

} // namespace interimap::pullimap
