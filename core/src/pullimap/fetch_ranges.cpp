#include "pullimap/fetch_ranges.hpp"

#include <algorithm>

namespace interimap::pullimap {

std::vector<std::string> fetch_ranges(std::uint32_t since, std::vector<std::uint32_t> delivered,
                                      std::size_t max_length) {
    constexpr std::uint32_t kMaxUid = 4294967295u;
    std::sort(delivered.begin(), delivered.end());
    std::vector<std::string> sets;
    std::string current;
    auto add = [&](std::uint32_t from, std::uint32_t to) {
        std::string range =
            from == to ? std::to_string(from) : std::to_string(from) + ":" + std::to_string(to);
        if (!current.empty() && current.size() + 1 + range.size() > max_length) {
            sets.push_back(std::move(current));
            current.clear();
        }
        if (!current.empty())
            current += ',';
        current += range;
    };
    std::uint64_t next = std::max<std::uint32_t>(since, 1);
    for (std::uint32_t uid : delivered) {
        if (uid < next)
            continue; // below UIDNEXT, or a duplicate
        if (uid > next)
            add(static_cast<std::uint32_t>(next), uid - 1);
        next = std::uint64_t{uid} + 1;
    }
    if (next <= kMaxUid)
        add(static_cast<std::uint32_t>(next), kMaxUid);
    if (!current.empty())
        sets.push_back(std::move(current));
    return sets;
}

} // namespace interimap::pullimap
