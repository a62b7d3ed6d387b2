// XDG base directories (https://specifications.freedesktop.org/basedir-spec/):
// where relative configuration and database paths start from.
#pragma once

#include <filesystem>
#include <interimap/result.hpp>
#include <string_view>

namespace interimap::config {

enum class XdgDirectory {
    config, ///< $XDG_CONFIG_HOME, or ~/.config
    data,   ///< $XDG_DATA_HOME, or ~/.local/share
};

/// The base directory; an error ("No such directory: DIR") unless it exists,
/// or `create` is set and it could be created (mode 0700, with its parents).
/// An unset, empty or relative variable means the default under $HOME (or the
/// password database's home directory when HOME is unset).
Result<std::filesystem::path> xdg_base_directory(XdgDirectory which, bool create = false);

/// `path` unchanged if absolute, else BASE/program/path. With `create`,
/// BASE and BASE/program are created (mode 0700) when missing, so that a file can be
/// created there.
Result<std::filesystem::path> xdg_resolve(XdgDirectory which, std::string_view program,
                                          const std::filesystem::path& path, bool create);

} // namespace interimap::config
