// Convenience header: the whole plugin SDK.
#pragma once

#include <interimap/authenticator.hpp>
#include <interimap/compression.hpp>
#include <interimap/config.hpp>
#include <interimap/log.hpp>
#include <interimap/plugin.hpp>
#include <interimap/result.hpp>
#include <interimap/socket_io.hpp>
#include <interimap/socket_stream.hpp>
#include <interimap/state_store.hpp>
#include <interimap/stream.hpp>
#include <interimap/transport.hpp>
