// Sets of UIDs and their IMAP sequence-set form ("1:3,7,9:12"). Long sets are
// split into several commands so that no command line grows unbounded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace interimap::sync {

using Uid = std::uint32_t;

/// Compact form of `uids` (any order, duplicates allowed): "1:3,7".
std::string compact_set(std::vector<Uid> uids);

/// The same, cut into pieces of at most `max_length` characters each.
std::vector<std::string> compact_set_chunks(std::vector<Uid> uids, std::size_t max_length = 1000);

/// Parses a sequence set of UIDs ("1:3,7"; "*" is not allowed). Ranges may
/// be written high:low. nullopt on a syntax error or a set larger than
/// `max_count` elements (a hostile server cannot make us allocate 2^32 UIDs).
std::optional<std::vector<Uid>> parse_uid_set(std::string_view text,
                                              std::size_t max_count = 10'000'000);

} // namespace interimap::sync
