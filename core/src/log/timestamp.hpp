// Timestamps of the lines written to `logfile`.
#pragma once

#include <chrono>
#include <string>

namespace interimap::log {

/// Local time as "Mon DD HH:MM:SS.UUUUUU" (strftime "%b %e %H:%M:%S" in the C
/// locale, then microseconds), like the reference implementation's logfile.
std::string log_timestamp(std::chrono::system_clock::time_point when);

} // namespace interimap::log
