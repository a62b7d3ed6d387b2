// Loads plugins on demand through Boost.DLL and checks their ABI version
// before using anything else they export. Loaded libraries stay mapped until
// the process exits: objects a plugin created may live anywhere, and their
// code must outlive them.
#pragma once

#include <filesystem>
#include <interimap/plugin.hpp>
#include <interimap/result.hpp>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace interimap::plugin {

struct LoadedPlugin {
    std::filesystem::path file;
    const PluginDescriptor* descriptor = nullptr;
};

/// What --version shows for one plugin file found on the search path.
struct PluginInfo {
    std::filesystem::path file;
    std::string name;
    std::string kind;
    std::string summary;
    std::string problem; ///< empty when the plugin is usable
};

/// Safe to use from several threads at once.
class PluginLoader {
public:
    explicit PluginLoader(std::vector<std::filesystem::path> search_path);

    /// Loads (once) the plugin `name` of `kind`, e.g. ("tunnel", transport).
    Result<LoadedPlugin> load(std::string_view name, PluginKind kind);

    Result<TransportPtr> make_transport(std::string_view name);
    Result<AuthenticatorPtr> make_authenticator(std::string_view name);
    Result<StateStoreFactoryPtr> make_state_store(std::string_view name);
    Result<CompressionPtr> make_compression(std::string_view name);

    /// True if a plugin file for `name` exists on the search path.
    bool available(std::string_view name) const;

    /// Every interimap-*.so on the search path (first occurrence wins).
    std::vector<PluginInfo> discover();

    const std::vector<std::filesystem::path>& search_path() const { return search_path_; }

private:
    Result<LoadedPlugin> load_file(const std::filesystem::path& file, std::string_view name);
    std::string search_path_text() const;

    std::vector<std::filesystem::path> search_path_;
    std::map<std::string, LoadedPlugin, std::less<>> loaded_;
};

} // namespace interimap::plugin
