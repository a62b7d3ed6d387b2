// An OpenSSL client session configured from the SSL_* options: protocol
// range, ciphers, trusted CAs, the name the certificate must be for, SNI.
#pragma once

#include "openssl_util.hpp"
#include "tls_options.hpp"

#include <interimap/config.hpp>
#include <interimap/log.hpp>
#include <interimap/result.hpp>

namespace interimap::tls {

/// A new client SSL object for `options` (read from `section`, which names
/// the option in errors). What OpenSSL refuses (an unknown cipher, an
/// unreadable SSL_CAfile) is an ErrorCode::config error naming the option.
/// Logs the choices at debug level, as the reference does.
Result<SslPtr> new_client_session(const TlsOptions& options, const ConfigSection& section,
                                  Logger& logger, const LogContext& context);

} // namespace interimap::tls
