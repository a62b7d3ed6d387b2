// What --version prints: the program's version, then the plugins found on
// the search path with their kind, or why one cannot be used. Packagers and
// plugin authors see at once what a program will load.
#pragma once

#include "plugin/loader.hpp"

#include <string_view>

namespace interimap::app {

/// Writes the report to stdout.
void print_version(std::string_view program, plugin::PluginLoader& plugins);

} // namespace interimap::app
