// Out-of-line virtual destructors: they anchor each SDK interface's vtable
// and type_info in the core library, so that dynamic_cast and exceptions
// agree across plugin boundaries.
#include <interimap/authenticator.hpp>
#include <interimap/compression.hpp>
#include <interimap/log.hpp>
#include <interimap/state_store.hpp>
#include <interimap/stream.hpp>
#include <interimap/transport.hpp>

namespace interimap {

Logger::~Logger() = default;
Stream::~Stream() = default;
Transport::~Transport() = default;
Compression::~Compression() = default;
Authenticator::~Authenticator() = default;
StateStore::~StateStore() = default;
StateStoreFactory::~StateStoreFactory() = default;

} // namespace interimap
