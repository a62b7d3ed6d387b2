// Symbol visibility. Plugins are built with hidden visibility; the one symbol a
// plugin exports is its descriptor (see plugin.hpp). The core library exports
// its SDK types so that one copy of their RTTI exists per process.
#pragma once

#define INTERIMAP_EXPORT __attribute__((visibility("default")))
