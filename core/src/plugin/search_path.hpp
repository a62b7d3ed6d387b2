// Where plugins are looked for, in order: the directories of
// INTERIMAP_PLUGIN_PATH (colon-separated), the build tree's plugin directory
// when the running program lives in that build tree, the install directory.
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

namespace interimap::plugin {

/// The search path for this process.
std::vector<std::filesystem::path> default_search_path();

/// The same, from explicit inputs (for tests).
std::vector<std::filesystem::path>
make_search_path(std::optional<std::string_view> env_value, const std::filesystem::path& executable,
                 const std::filesystem::path& build_dir,
                 const std::filesystem::path& build_plugin_dir,
                 const std::filesystem::path& install_plugin_dir);

/// The file a plugin named `name` is built as: "interimap-<name>.so".
std::string plugin_file_name(std::string_view name);

} // namespace interimap::plugin
