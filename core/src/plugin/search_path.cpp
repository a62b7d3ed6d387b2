#include "plugin/search_path.hpp"

#include "util/ascii.hpp"

#include <cstdlib>
#include <dlfcn.h>
#include <system_error>

#if !defined(INTERIMAP_BUILD_LIBRARY_DIR) || !defined(INTERIMAP_BUILD_PLUGIN_DIR) ||               \
    !defined(INTERIMAP_INSTALL_PLUGIN_DIR) || !defined(INTERIMAP_PLUGIN_SUBDIR)
#error "the plugin directories must be defined by the build"
#endif

namespace interimap::plugin {

namespace fs = std::filesystem;

std::string plugin_file_name(std::string_view name) {
    return "interimap-" + ascii_lower(name) + ".so";
}

std::vector<fs::path> make_search_path(std::optional<std::string_view> env_value,
                                       const fs::path& core_library,
                                       const PluginDirectories& dirs) {
    std::vector<fs::path> out;
    if (env_value) {
        std::string_view rest = *env_value;
        while (!rest.empty()) {
            auto colon = rest.find(':');
            std::string_view dir = rest.substr(0, colon);
            if (!dir.empty())
                out.emplace_back(dir);
            if (colon == std::string_view::npos)
                break;
            rest.remove_prefix(colon + 1);
        }
    }
    if (core_library.empty()) {
        out.push_back(dirs.install_plugin_dir);
        return out;
    }
    // The library, not the program, tells which tree is in use: an installed
    // program loads the installed library (its RPATH never names the build
    // tree), even when it was installed below the build directory, and once
    // the build tree is gone it cannot match. A program or test run from the
    // build tree uses the plugins built beside it, not an older installed copy.
    fs::path library_dir = core_library.parent_path();
    std::error_code ec;
    if (fs::equivalent(library_dir, dirs.build_library_dir, ec)) {
        out.push_back(dirs.build_plugin_dir);
        out.push_back(dirs.install_plugin_dir);
        return out;
    }
    // Installed: the plugins are beside the library, which is where the
    // configured prefix put them unless the installed tree was moved (cmake
    // --install --prefix, DESTDIR staging), in which case its own plugins,
    // not those of another installation, are the right ones.
    // The configured name is kept when it is the same directory (through
    // /lib -> usr/lib on a merged /usr, the loader may name the library
    // /lib/...): it is the one messages should show.
    fs::path beside = library_dir / dirs.plugin_subdir;
    out.push_back(fs::equivalent(beside, dirs.install_plugin_dir, ec) ? dirs.install_plugin_dir
                                                                      : beside);
    return out;
}

namespace {

/// The file this function's library was loaded from, empty when the dynamic
/// loader cannot tell.
fs::path core_library_file() {
    Dl_info info{};
    if (::dladdr(reinterpret_cast<const void*>(&core_library_file), &info) == 0 ||
        info.dli_fname == nullptr)
        return {};
    // The loader gives the name it opened, "/usr/bin/../lib/..." through an
    // RPATH: made plain, it reads well in `--version` and in error messages.
    std::error_code ec;
    fs::path file = fs::absolute(info.dli_fname, ec);
    return ec ? fs::path() : file.lexically_normal();
}

} // namespace

std::vector<fs::path> default_search_path() {
    std::optional<std::string_view> env;
    if (const char* v = std::getenv("INTERIMAP_PLUGIN_PATH"); v && *v)
        env = v;
    return make_search_path(
        env, core_library_file(),
        PluginDirectories{INTERIMAP_BUILD_LIBRARY_DIR, INTERIMAP_BUILD_PLUGIN_DIR,
                          INTERIMAP_INSTALL_PLUGIN_DIR, INTERIMAP_PLUGIN_SUBDIR});
}

} // namespace interimap::plugin
