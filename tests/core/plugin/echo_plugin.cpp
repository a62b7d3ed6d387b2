// A minimal transport plugin for the loader test: its stream echoes nothing,
// it only proves that a factory from a loaded plugin can be called.
#include <interimap/plugin.hpp>

#ifndef ECHO_NAME
#define ECHO_NAME "echo"
#endif

namespace {

class EchoTransport final : public interimap::Transport {
public:
    interimap::Result<interimap::StreamPtr> connect(const interimap::ConnectRequest&,
                                                    interimap::StreamPtr lower) override {
        if (!lower)
            return interimap::Fail(interimap::ErrorCode::config, "echo needs a lower stream");
        return lower;
    }
};

const interimap::PluginDescriptor descriptor = {
    .abi_version = ECHO_ABI_VERSION,
    .kind = interimap::PluginKind::transport,
    .name = ECHO_NAME,
    .summary = "test transport",
    .make_transport = [] { return interimap::TransportPtr(new EchoTransport); },
};

} // namespace

INTERIMAP_PLUGIN(descriptor)
