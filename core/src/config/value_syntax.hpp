// Character-level checks for configuration values, one per value syntax of
// the manual (what the reference accepts for each option).
#pragma once

#include <string_view>

namespace interimap::config {

/// No control character (C0, DEL, or C1 when the value is UTF-8); may be empty.
bool is_printable(std::string_view v);
/// Non-empty and is_printable.
bool is_nonempty_printable(std::string_view v);
/// Non-empty 7-bit text without NUL (usernames, passwords).
bool is_ascii_text(std::string_view v);
/// RFC 3501 TEXT-CHARs (7-bit, no NUL, CR or LF); may be empty.
bool is_imap_text(std::string_view v);
/// YES or NO, in any case.
bool is_yes_no(std::string_view v);
/// One or more ATOM-CHAR words separated by single spaces ("PLAIN LOGIN").
bool is_atom_list(std::string_view v);
/// A TCP port: 1 to 65535, or a service name such as "imaps".
bool is_port(std::string_view v);
/// Words of [!]SSLv2|SSLv3|TLSv1|TLSv1.0-3 separated by single spaces.
bool is_ssl_protocol_list(std::string_view v);
/// [ALGO$]HEX words separated by single spaces.
bool is_fingerprint_list(std::string_view v);
/// LIST selection options: ATOM-CHARs and spaces; may be empty.
bool is_list_select_opts(std::string_view v);

} // namespace interimap::config
