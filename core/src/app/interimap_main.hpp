// The interimap program: command line, configuration, logger, plugins, then
// the requested command.
#pragma once

namespace interimap::app {

/// Runs interimap; returns the process exit status.
int interimap_main(int argc, char** argv);

} // namespace interimap::app
