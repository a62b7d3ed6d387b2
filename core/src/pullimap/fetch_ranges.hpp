// The UIDs a pull asks for: everything from the stored UIDNEXT on, except
// the UIDs a previous, interrupted run already delivered (the statefile's
// tail), as UID sets for UID FETCH. No set grows unbounded: past
// `max_length` characters the ranges go to another command.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace interimap::pullimap {

/// "since:4294967295" with the `delivered` UIDs left out ("1:4,6:9,11:4294967295"),
/// cut into sets of at most about `max_length` characters. 2^32-1 rather
/// than "*": with "*", a mailbox whose highest UID is below `since` would
/// send that message again (RFC 3501 section 6.4.8).
std::vector<std::string> fetch_ranges(std::uint32_t since, std::vector<std::uint32_t> delivered,
                                      std::size_t max_length = 1000);

} // namespace interimap::pullimap
