#include "plugin/search_path.hpp"

#include "util/ascii.hpp"

#include <algorithm>
#include <cstdlib>
#include <system_error>

#if !defined(INTERIMAP_BUILD_DIR) || !defined(INTERIMAP_BUILD_PLUGIN_DIR)
#error "INTERIMAP_BUILD_DIR and INTERIMAP_BUILD_PLUGIN_DIR must be defined by the build"
#endif

namespace interimap::plugin {

namespace fs = std::filesystem;

std::string plugin_file_name(std::string_view name) {
    return "interimap-" + ascii_lower(name) + ".so";
}

std::vector<fs::path> make_search_path(std::optional<std::string_view> env_value,
                                       const fs::path& executable, const fs::path& build_dir,
                                       const fs::path& build_plugin_dir,
                                       const fs::path& install_plugin_dir) {
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
    // A program (or test) run from the build tree uses the plugins built
    // beside it, not an older installed copy.
    auto exe = executable.lexically_normal().string();
    auto tree = build_dir.lexically_normal().string();
    if (!tree.empty() && exe.rfind(tree + "/", 0) == 0)
        out.push_back(build_plugin_dir);
    out.push_back(install_plugin_dir);
    return out;
}

std::vector<fs::path> default_search_path() {
    std::optional<std::string_view> env;
    if (const char* v = std::getenv("INTERIMAP_PLUGIN_PATH"); v && *v)
        env = v;
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return make_search_path(env, exe, INTERIMAP_BUILD_DIR, INTERIMAP_BUILD_PLUGIN_DIR,
                            INTERIMAP_INSTALL_PLUGIN_DIR);
}

} // namespace interimap::plugin
