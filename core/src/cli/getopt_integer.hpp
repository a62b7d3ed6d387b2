// Numeric option values as Perl's Getopt::Long reads them, for the options
// whose syntax the programs share with the reference (--watch, --idle).
#pragma once

#include <optional>
#include <string_view>

namespace interimap::cli {

/// The integers Getopt::Long accepts for a numeric option: an optional sign,
/// digits, and underscores as digit separators ("1_000"). nullopt for
/// anything else, or a value beyond `long long`.
std::optional<long long> parse_getopt_integer(std::string_view s);

} // namespace interimap::cli
