// The server's capability list (RFC 3501 7.2.1), as last announced: in the
// greeting, a CAPABILITY response, or an OK [CAPABILITY ...] response code.
#pragma once

#include "imap/response.hpp"

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace interimap::imap {

class Capabilities {
public:
    /// Replaces the list with the atoms of `values`.
    void assign(const std::vector<Value>& values);
    bool known() const { return known_; }
    /// Forgets the list (after STARTTLS or authentication it must be re-read).
    void invalidate();

    /// Case-insensitive test for a capability, e.g. has("QRESYNC").
    bool has(std::string_view name) const;
    /// SASL mechanisms advertised as AUTH=<name>, upper-cased.
    std::vector<std::string> auth_mechanisms() const { return values_of("AUTH="); }
    /// What follows `prefix` ("COMPRESS=") in the capabilities having it.
    std::vector<std::string> values_of(std::string_view prefix) const;
    /// Space-separated, for messages.
    std::string to_string() const;

private:
    std::set<std::string, std::less<>> names_;
    bool known_ = false;
};

} // namespace interimap::imap
