#include "database_file.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace interimap::sqlite {
namespace {

constexpr mode_t kDirectoryMode = 0700;
constexpr mode_t kFileMode = 0600;

Fail os_error(const std::string& what, const std::filesystem::path& path, int error) {
    return Fail(ErrorCode::io, what + " " + path.string() + ": " + std::strerror(error));
}

Result<void> create_parent_directories(const std::filesystem::path& file) {
    // Missing ancestors, nearest first.
    std::vector<std::filesystem::path> missing;
    for (auto dir = file.parent_path(); !dir.empty(); dir = dir.parent_path()) {
        struct stat st {};
        if (::stat(dir.c_str(), &st) == 0) {
            if (!S_ISDIR(st.st_mode))
                return os_error("cannot create database in", dir, ENOTDIR);
            break;
        }
        if (errno != ENOENT)
            return os_error("cannot access directory", dir, errno);
        missing.push_back(dir);
        if (dir == dir.parent_path())
            break;
    }
    for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
        if (::mkdir(it->c_str(), kDirectoryMode) != 0) {
            if (errno == EEXIST)
                continue; // created meanwhile by someone else: not ours to chmod
            return os_error("cannot create directory", *it, errno);
        }
        // mkdir's mode went through the umask.
        if (::chmod(it->c_str(), kDirectoryMode) != 0)
            return os_error("cannot set the mode of directory", *it, errno);
    }
    return ok();
}

} // namespace

Result<void> prepare_database_file(const std::filesystem::path& path) {
    INTERIMAP_TRY(create_parent_directories(path));
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kFileMode);
    if (fd < 0) {
        if (errno == EEXIST)
            return ok();
        return os_error("cannot create database file", path, errno);
    }
    // open's mode went through the umask.
    const bool chmod_failed = ::fchmod(fd, kFileMode) != 0;
    const int chmod_errno = errno;
    ::close(fd);
    if (chmod_failed)
        return os_error("cannot set the mode of database file", path, chmod_errno);
    return ok();
}

} // namespace interimap::sqlite
