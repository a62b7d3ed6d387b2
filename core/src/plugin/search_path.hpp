// Where plugins are looked for, in order: the directories of
// INTERIMAP_PLUGIN_PATH (colon-separated), then, when the core library in use
// is the build tree's, the build tree's plugin directory and the configured
// install directory; otherwise the plugin directory beside the core library
// (LIBDIR/interimap/plugins, wherever the installed tree was copied to).
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

namespace interimap::plugin {

/// Where the build put things, compiled into the core library.
struct PluginDirectories {
    /// The build tree's directory of libinterimap-core.so.
    std::filesystem::path build_library_dir;
    /// The build tree's plugin directory.
    std::filesystem::path build_plugin_dir;
    /// The plugin directory of the configured install prefix (absolute).
    std::filesystem::path install_plugin_dir;
    /// The plugin directory relative to the library directory
    /// ("interimap/plugins").
    std::filesystem::path plugin_subdir;
};

/// The search path for this process.
std::vector<std::filesystem::path> default_search_path();

/// The same, from explicit inputs (for tests). `core_library` is the file the
/// core library was loaded from, empty when unknown.
std::vector<std::filesystem::path> make_search_path(std::optional<std::string_view> env_value,
                                                    const std::filesystem::path& core_library,
                                                    const PluginDirectories& dirs);

/// The file a plugin named `name` is built as: "interimap-<name>.so".
std::string plugin_file_name(std::string_view name);

} // namespace interimap::plugin
