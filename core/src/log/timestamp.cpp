#include "log/timestamp.hpp"

#include <cstdio>
#include <ctime>

namespace interimap::log {

std::string log_timestamp(std::chrono::system_clock::time_point when) {
    using namespace std::chrono;
    auto since_epoch = when.time_since_epoch();
    auto secs = duration_cast<seconds>(since_epoch);
    if (since_epoch < secs) // round towards negative infinity before 1970
        secs -= seconds(1);
    auto micros = duration_cast<microseconds>(since_epoch - secs).count();

    std::time_t t = static_cast<std::time_t>(secs.count());
    std::tm local{};
    localtime_r(&t, &local);
    // The C locale's month abbreviations: strftime would follow LC_TIME.
    static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%s %2d %02d:%02d:%02d.%06lld", months[local.tm_mon % 12],
                  local.tm_mday, local.tm_hour, local.tm_min, local.tm_sec,
                  static_cast<long long>(micros));
    return buffer;
}

} // namespace interimap::log
