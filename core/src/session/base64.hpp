// Base64 (RFC 4648) for SASL exchanges (RFC 3501 6.2.2).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace interimap {

std::string base64_encode(std::string_view bytes);
/// Decodes; nullopt on invalid input. Whitespace is not allowed.
std::optional<std::string> base64_decode(std::string_view text);

} // namespace interimap
