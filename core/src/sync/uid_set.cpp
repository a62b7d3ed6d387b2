#include "sync/uid_set.hpp"

#include <algorithm>
#include <charconv>

namespace interimap::sync {

namespace {

std::string range_text(Uid first, Uid last) {
    return first == last ? std::to_string(first)
                         : std::to_string(first) + ":" + std::to_string(last);
}

std::vector<std::string> ranges(std::vector<Uid> uids) {
    std::sort(uids.begin(), uids.end());
    uids.erase(std::unique(uids.begin(), uids.end()), uids.end());
    std::vector<std::string> out;
    for (std::size_t i = 0; i < uids.size();) {
        std::size_t j = i;
        while (j + 1 < uids.size() && uids[j + 1] == uids[j] + 1)
            ++j;
        out.push_back(range_text(uids[i], uids[j]));
        i = j + 1;
    }
    return out;
}

std::optional<Uid> parse_uid(std::string_view s) {
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || v == 0 || v > 0xFFFFFFFFull)
        return std::nullopt;
    return static_cast<Uid>(v);
}

} // namespace

std::string compact_set(std::vector<Uid> uids) {
    std::string out;
    for (const std::string& r : ranges(std::move(uids))) {
        if (!out.empty())
            out += ',';
        out += r;
    }
    return out;
}

std::vector<std::string> compact_set_chunks(std::vector<Uid> uids, std::size_t max_length) {
    std::vector<std::string> out;
    std::string current;
    for (const std::string& r : ranges(std::move(uids))) {
        if (!current.empty() && current.size() + 1 + r.size() > max_length) {
            out.push_back(std::move(current));
            current.clear();
        }
        if (!current.empty())
            current += ',';
        current += r;
    }
    if (!current.empty())
        out.push_back(std::move(current));
    return out;
}

std::optional<std::vector<Uid>> parse_uid_set(std::string_view text, std::size_t max_count) {
    std::vector<Uid> out;
    if (text.empty())
        return std::nullopt;
    while (!text.empty()) {
        auto comma = text.find(',');
        std::string_view item = text.substr(0, comma);
        auto colon = item.find(':');
        auto first = parse_uid(item.substr(0, colon));
        auto last = colon == std::string_view::npos ? first : parse_uid(item.substr(colon + 1));
        if (!first || !last)
            return std::nullopt;
        Uid lo = std::min(*first, *last), hi = std::max(*first, *last);
        if (out.size() + (static_cast<std::uint64_t>(hi) - lo + 1) > max_count)
            return std::nullopt;
        for (std::uint64_t u = lo; u <= hi; ++u)
            out.push_back(static_cast<Uid>(u));
        if (comma == std::string_view::npos)
            break;
        text.remove_prefix(comma + 1);
        if (text.empty())
            return std::nullopt;
    }
    return out;
}

} // namespace interimap::sync
