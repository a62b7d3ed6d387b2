// Opening the stream to one server from its configuration section: the
// transport plugin for `type` (tunnel, or tcp with TLS for imaps, or tcp
// with TLS after STARTTLS for imap).
#pragma once

#include "imap/connection.hpp"
#include "plugin/loader.hpp"

#include <interimap/config.hpp>
#include <interimap/log.hpp>
#include <interimap/result.hpp>
#include <interimap/stream.hpp>

namespace interimap::app {

struct OpenedStream {
    StreamPtr stream;
    /// Set when the session must be secured with STARTTLS (type = imap,
    /// STARTTLS = YES): wraps the plaintext stream in TLS.
    imap::StreamUpgrade starttls;
};

/// Loads the plugins this section needs (and only those) and connects.
/// Blocking; called from one thread per server so both connect at once.
Result<OpenedStream> open_stream(const ConfigSection& section, const std::string& name,
                                 Logger& logger, plugin::PluginLoader& plugins, bool keepalive);

} // namespace interimap::app
