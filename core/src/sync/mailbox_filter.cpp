#include "sync/mailbox_filter.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace interimap::sync {

struct MailboxFilter::Impl {
    pcre2_code* code = nullptr;
    ~Impl() {
        if (code)
            pcre2_code_free(code);
    }
};

MailboxFilter::~MailboxFilter() = default;

Result<std::unique_ptr<MailboxFilter>> MailboxFilter::compile(std::string_view pattern) {
    int error = 0;
    PCRE2_SIZE offset = 0;
    pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                     0, &error, &offset, nullptr);
    if (!code) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(error, message, sizeof message);
        return Fail(ErrorCode::config,
                    "option ignore-mailbox: invalid regular expression at offset " +
                        std::to_string(offset) + ": " + reinterpret_cast<const char*>(message));
    }
    std::unique_ptr<MailboxFilter> filter(new MailboxFilter);
    filter->impl_ = std::make_unique<Impl>();
    filter->impl_->code = code;
    return filter;
}

bool MailboxFilter::ignores(std::string_view name) const {
    pcre2_match_data* md = pcre2_match_data_create_from_pattern(impl_->code, nullptr);
    int rc = pcre2_match(impl_->code, reinterpret_cast<PCRE2_SPTR>(name.data()), name.size(), 0, 0,
                         md, nullptr);
    pcre2_match_data_free(md);
    return rc >= 0;
}

} // namespace interimap::sync
