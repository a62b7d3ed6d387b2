// pullimap's entry point: command line, configuration section, statefile
// (opened and locked before any connection), then the pull.
#pragma once

namespace interimap::app {

int pullimap_main(int argc, char** argv);

} // namespace interimap::app
