// Where pullimap delivers: the `deliver-method`, `deliver-ehlo` and
// `deliver-rcpt` settings, and the envelope sender it derives from a
// message's ENVELOPE, as Debian's pullimap 0.5.7 reads them.
#pragma once

#include <cstdint>
#include <interimap/result.hpp>
#include <interimap/stream.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace interimap::delivery {

enum class Protocol { smtp, lmtp };

/// `PROTOCOL:[ADDRESS]:PORT`.
struct DeliverMethod {
    Protocol protocol = Protocol::smtp;
    std::string address = "127.0.0.1"; ///< an IPv4 or IPv6 literal, without brackets
    std::uint16_t port = 25;

    /// Back to `smtp:[127.0.0.1]:25`, for logs and errors.
    std::string text() const;
};

/// The defaults of the man page.
inline constexpr std::string_view kDefaultDeliverMethod = "smtp:[127.0.0.1]:25";
inline constexpr std::string_view kDefaultEhlo = "localhost.localdomain";

/// Parses `smtp:[ADDRESS]:PORT` or `lmtp:[ADDRESS]:PORT`. Like the
/// reference, ADDRESS is a numeric IPv4 or IPv6 address (no host names, no
/// unix socket paths).
Result<DeliverMethod> parse_deliver_method(std::string_view text);

/// The default `deliver-rcpt`: the user name of the effective user ID.
Result<std::string> default_recipient();

/// The envelope sender for a message whose ENVELOPE From is local@domain:
/// local@domain when the local part is a Dot-string, "quoted"@domain when it
/// is other printable ASCII, and the null path (empty) otherwise or when
/// either part is missing (RFC 5321 section 4.1.2).
std::string envelope_sender(std::optional<std::string_view> local,
                            std::optional<std::string_view> domain);

/// Opens a plaintext TCP connection to the method's address (blocking
/// connect, then a non-blocking stream).
Result<StreamPtr> connect_deliver_method(const DeliverMethod& method);

} // namespace interimap::delivery
