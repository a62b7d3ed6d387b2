#include "cli/getopt_integer.hpp"

#include <climits>

namespace interimap::cli {

std::optional<long long> parse_getopt_integer(std::string_view s) {
    bool negative = false;
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
        negative = s[0] == '-';
        s.remove_prefix(1);
    }
    while (!s.empty() && s[0] == '_')
        s.remove_prefix(1);
    if (s.empty() || s[0] < '0' || s[0] > '9')
        return std::nullopt;
    long long n = 0;
    for (char c : s) {
        if (c == '_')
            continue;
        if (c < '0' || c > '9')
            return std::nullopt;
        if (n > (LLONG_MAX - 9) / 10)
            return std::nullopt;
        n = n * 10 + (c - '0');
    }
    return negative ? -n : n;
}

} // namespace interimap::cli
