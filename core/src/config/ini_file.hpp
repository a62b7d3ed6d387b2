// A generic reader for the INI dialect of interimap(1) and pullimap(1):
// `OPTION = VALUE` lines under `[SECTION]` headers, keys before any header in
// the unnamed default section, whole-line `#` and `;` comments. It knows no
// option names: programs validate the sections with their own key tables.
#pragma once

#include <filesystem>
#include <interimap/config.hpp>
#include <interimap/result.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace interimap::config {

/// One `[section]` of the file, with the line of each of its values.
struct IniSection {
    ConfigSection values; ///< name() is "" for the default section
    int line = 0;         ///< line of the first `[name]` header; 0 for the default section
};

/// A parsed file. A section header seen twice continues the first section,
/// and a key set twice in a section keeps its last value.
struct IniFile {
    std::string file;                 ///< the name used in error messages
    std::vector<IniSection> sections; ///< the default section first, then in order of appearance

    /// The section called `name` ("" for the default section), or nullptr.
    const IniSection* find(std::string_view name) const;
};

/// Parses `text`; errors are "FILE:LINE: syntax error: 'LINE'".
Result<IniFile> parse_ini(std::string_view text, std::string file);

/// Reads and parses a file; the path as given is used in messages.
Result<IniFile> read_ini_file(const std::filesystem::path& path);

} // namespace interimap::config
