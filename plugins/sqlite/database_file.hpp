// Creating the database file before SQLite opens it, so that its permissions
// do not depend on the umask: the state store names every mailbox the user
// has, which is nobody else's business.
#pragma once

#include <filesystem>
#include <interimap/result.hpp>

namespace interimap::sqlite {

/// Creates the missing parent directories of `path` with mode 0700 and, if
/// the file does not exist, an empty file with mode 0600. Existing
/// directories and files are left alone, whatever their mode.
///
/// An existing file is never opened here: closing a descriptor of a file
/// drops every POSIX lock the process holds on it, including SQLite's.
Result<void> prepare_database_file(const std::filesystem::path& path);

} // namespace interimap::sqlite
