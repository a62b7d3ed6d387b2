#include "plugin/loader.hpp"

#include "plugin/search_path.hpp"
#include "util/ascii.hpp"

#include <algorithm>
#include <boost/dll/shared_library.hpp>
#include <deque>
#include <dlfcn.h>
#include <mutex>
#include <set>
#include <system_error>

namespace interimap::plugin {

namespace fs = std::filesystem;

namespace {

/// Libraries are never unloaded (see loader.hpp).
std::deque<boost::dll::shared_library>& resident_libraries() {
    static std::deque<boost::dll::shared_library> libs;
    return libs;
}

/// Both servers connect from threads of their own, each loading plugins.
std::mutex& loader_mutex() {
    static std::mutex m;
    return m;
}

/// Boost.DLL's message is generic; dlerror() says which symbol or library
/// is missing, so ask the dynamic loader again for it.
std::string loader_error(const fs::path& file, const boost::dll::fs::error_code& ec) {
    void* handle = ::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
        if (const char* why = ::dlerror())
            return why;
    } else {
        ::dlclose(handle);
    }
    return ec.message();
}

} // namespace

PluginLoader::PluginLoader(std::vector<fs::path> search_path)
    : search_path_(std::move(search_path)) {}

std::string PluginLoader::search_path_text() const {
    std::string out;
    for (const auto& d : search_path_) {
        if (!out.empty())
            out += ":";
        out += d.string();
    }
    return out;
}

bool PluginLoader::available(std::string_view name) const {
    std::error_code ec;
    for (const auto& dir : search_path_)
        if (fs::exists(dir / plugin_file_name(name), ec))
            return true;
    return false;
}

Result<LoadedPlugin> PluginLoader::load_file(const fs::path& file, std::string_view name) {
    boost::dll::fs::error_code ec;
    boost::dll::shared_library lib(file.string(), boost::dll::load_mode::rtld_now, ec);
    if (ec)
        return Fail(ErrorCode::not_found, "plugin " + std::string(name) + ": cannot load " +
                                              file.string() + ": " + loader_error(file, ec));
    if (!lib.has(kPluginEntryPoint))
        return Fail(ErrorCode::abi_mismatch, "plugin " + std::string(name) + ": " + file.string() +
                                                 " is not an interimap plugin (no " +
                                                 kPluginEntryPoint + " symbol)");
    auto& entry = lib.get_alias<PluginEntryPoint>(kPluginEntryPoint);
    const PluginDescriptor* d = entry();
    if (d == nullptr)
        return Fail(ErrorCode::abi_mismatch,
                    "plugin " + std::string(name) + ": " + file.string() + " has no descriptor");
    if (d->abi_version != kPluginAbiVersion)
        return Fail(ErrorCode::abi_mismatch,
                    "plugin " + std::string(name) + ": " + file.string() +
                        " was built for plugin ABI version " + std::to_string(d->abi_version) +
                        ", expected version " + std::to_string(kPluginAbiVersion));
    resident_libraries().push_back(std::move(lib));
    return LoadedPlugin{file, d};
}

Result<LoadedPlugin> PluginLoader::load(std::string_view name, PluginKind kind) {
    std::lock_guard lock(loader_mutex());
    if (auto it = loaded_.find(name); it != loaded_.end())
        return it->second;
    std::error_code ec;
    for (const auto& dir : search_path_) {
        fs::path file = dir / plugin_file_name(name);
        if (!fs::exists(file, ec))
            continue;
        auto loaded = load_file(file, name);
        if (!loaded)
            return loaded;
        const PluginDescriptor* d = loaded->descriptor;
        if (d->kind != kind || d->name == nullptr || !ascii_iequals(d->name, name))
            return Fail(ErrorCode::abi_mismatch,
                        "plugin " + std::string(name) + ": " + file.string() + " provides " +
                            plugin_kind_name(d->kind) + " \"" + (d->name ? d->name : "") +
                            "\", expected " + plugin_kind_name(kind) + " \"" + std::string(name) +
                            "\"");
        loaded_.emplace(std::string(name), *loaded);
        return loaded;
    }
    return Fail(ErrorCode::not_found, "plugin " + std::string(name) + " (" +
                                          plugin_kind_name(kind) + ") not found: no " +
                                          plugin_file_name(name) + " in " + search_path_text() +
                                          " (set INTERIMAP_PLUGIN_PATH or install the plugin)");
}

Result<TransportPtr> PluginLoader::make_transport(std::string_view name) {
    auto p = load(name, PluginKind::transport);
    if (!p)
        return Fail(std::move(p).error());
    if (!p->descriptor->make_transport)
        return Fail(ErrorCode::abi_mismatch, "plugin " + std::string(name) + " has no factory");
    return p->descriptor->make_transport();
}

Result<AuthenticatorPtr> PluginLoader::make_authenticator(std::string_view name) {
    auto p = load(name, PluginKind::authenticator);
    if (!p)
        return Fail(std::move(p).error());
    if (!p->descriptor->make_authenticator)
        return Fail(ErrorCode::abi_mismatch, "plugin " + std::string(name) + " has no factory");
    return p->descriptor->make_authenticator();
}

Result<StateStoreFactoryPtr> PluginLoader::make_state_store(std::string_view name) {
    auto p = load(name, PluginKind::state_store);
    if (!p)
        return Fail(std::move(p).error());
    if (!p->descriptor->make_state_store)
        return Fail(ErrorCode::abi_mismatch, "plugin " + std::string(name) + " has no factory");
    return p->descriptor->make_state_store();
}

Result<CompressionPtr> PluginLoader::make_compression(std::string_view name) {
    auto p = load(name, PluginKind::compression);
    if (!p)
        return Fail(std::move(p).error());
    if (!p->descriptor->make_compression)
        return Fail(ErrorCode::abi_mismatch, "plugin " + std::string(name) + " has no factory");
    return p->descriptor->make_compression();
}

std::vector<PluginInfo> PluginLoader::discover() {
    std::lock_guard lock(loader_mutex());
    std::vector<PluginInfo> out;
    std::set<std::string> seen;
    std::error_code ec;
    for (const auto& dir : search_path_) {
        std::vector<fs::path> files;
        for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
            auto fname = it->path().filename().string();
            if (fname.rfind("interimap-", 0) == 0 && it->path().extension() == ".so")
                files.push_back(it->path());
        }
        std::sort(files.begin(), files.end());
        for (const auto& f : files) {
            auto fname = f.filename().string();
            if (!seen.insert(fname).second)
                continue;
            std::string name = fname.substr(10, fname.size() - 13);
            PluginInfo info{f, name, "", "", ""};
            auto loaded = load_file(f, name);
            if (!loaded) {
                info.problem = loaded.error().message;
            } else {
                info.name = loaded->descriptor->name ? loaded->descriptor->name : name;
                info.kind = plugin_kind_name(loaded->descriptor->kind);
                info.summary = loaded->descriptor->summary ? loaded->descriptor->summary : "";
            }
            out.push_back(std::move(info));
        }
    }
    return out;
}

} // namespace interimap::plugin
