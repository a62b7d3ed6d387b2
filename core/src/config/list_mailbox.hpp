// The `list-mailbox` option: space-separated LIST patterns, each a bare word
// or a double-quoted string with C-style escapes. A NUL character in a result
// stands for the hierarchy delimiter, which is only known once connected.
#pragma once

#include <interimap/result.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace interimap::config {

/// Splits and unquotes a list-mailbox value. Bare words are LIST characters
/// other than '"', '\\', '(', ')', '{' and space; quoted words take printable
/// ASCII and the escapes \" \\ \0 \a \b \t \n \v \f \r \xHH. Words are
/// separated by whitespace. Errors: "Invalid value for list-mailbox: VALUE".
Result<std::vector<std::string>> parse_list_mailbox(std::string_view value);

} // namespace interimap::config
