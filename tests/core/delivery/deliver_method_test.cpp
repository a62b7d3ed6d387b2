// deliver-method parsing and the envelope sender, as pullimap 0.5.7 does them.
#include "delivery/deliver_method.hpp"

#include <gtest/gtest.h>

namespace interimap::delivery {
namespace {

TEST(DeliverMethod, ParsesSmtpAndLmtpWithIpv4AndIpv6) {
    auto d = parse_deliver_method(kDefaultDeliverMethod);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->protocol, Protocol::smtp);
    EXPECT_EQ(d->address, "127.0.0.1");
    EXPECT_EQ(d->port, 25);
    auto l = parse_deliver_method("lmtp:[::1]:24");
    ASSERT_TRUE(l);
    EXPECT_EQ(l->protocol, Protocol::lmtp);
    EXPECT_EQ(l->address, "::1");
    EXPECT_EQ(l->port, 24);
    EXPECT_EQ(l->text(), "lmtp:[::1]:24");
}

TEST(DeliverMethod, RefusesWhatTheReferenceRefuses) {
    for (const char* bad : {"smtp:127.0.0.1:25", "esmtp:[127.0.0.1]:25", "smtp:[localhost]:25",
                            "smtp:[127.0.0.1]", "smtp:[127.0.0.1]:", "smtp:[127.0.0.1]:x",
                            "smtp:[127.0.0.1]:0", "smtp:[127.0.0.1]:65536", "lmtp:/run/lmtp", ""}) {
        auto r = parse_deliver_method(bad);
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error().code, ErrorCode::config);
        EXPECT_NE(r.error().message.find("deliver-method"), std::string::npos);
    }
}

TEST(DeliverMethod, EnvelopeSenderQuotesOrDropsTheLocalPart) {
    EXPECT_EQ(envelope_sender("john.doe", "example.org"), "john.doe@example.org");
    EXPECT_EQ(envelope_sender("john doe", "example.org"), "\"john doe\"@example.org");
    EXPECT_EQ(envelope_sender("a\"b\\c", "example.org"), "\"a\\\"b\\\\c\"@example.org");
    EXPECT_EQ(envelope_sender(".john", "example.org"), "\".john\"@example.org");
    EXPECT_EQ(envelope_sender("caf\xc3\xa9", "example.org"), "");
    EXPECT_EQ(envelope_sender(std::nullopt, "example.org"), "");
    EXPECT_EQ(envelope_sender("john", std::nullopt), "");
}

TEST(DeliverMethod, DefaultRecipientIsTheEffectiveUser) {
    auto r = default_recipient();
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->empty());
}

TEST(DeliverMethod, ConnectRefusedNamesTheAddress) {
    // Port 1 on loopback: nothing listens there in tests.
    auto m = parse_deliver_method("smtp:[127.0.0.1]:1");
    ASSERT_TRUE(m);
    auto s = connect_deliver_method(*m);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().message, "connect to smtp:[127.0.0.1]:1: Connection refused");
}

} // namespace
} // namespace interimap::delivery
