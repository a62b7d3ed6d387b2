#include "config/xdg.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <pwd.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace interimap::config {

namespace {

std::string home_directory() {
    if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0')
        return home;
    long size = sysconf(_SC_GETPW_R_SIZE_MAX);
    std::vector<char> buffer(size > 0 ? static_cast<std::size_t>(size) : 16384);
    passwd pw{};
    passwd* found = nullptr;
    if (getpwuid_r(getuid(), &pw, buffer.data(), buffer.size(), &found) == 0 && found != nullptr &&
        found->pw_dir != nullptr)
        return found->pw_dir;
    return "";
}

/// Creates `dir` and its missing parents with mode 0700, as the XDG base
/// directory specification asks (a fresh account has no ~/.local/share).
Result<void> make_private_directories(const std::filesystem::path& dir) {
    std::filesystem::path partial;
    for (const auto& part : dir) {
        partial /= part;
        if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST)
            return Fail(ErrorCode::io,
                        "Couldn't create " + partial.string() + ": " + std::strerror(errno));
    }
    return ok();
}

} // namespace

Result<std::filesystem::path> xdg_base_directory(XdgDirectory which, bool create) {
    const char* variable = which == XdgDirectory::config ? "XDG_CONFIG_HOME" : "XDG_DATA_HOME";
    const char* fallback = which == XdgDirectory::config ? ".config" : ".local/share";

    std::filesystem::path base;
    // The specification says to ignore empty and relative values.
    if (const char* v = std::getenv(variable); v != nullptr && v[0] == '/')
        base = v;
    else
        base = std::filesystem::path(home_directory()) / fallback;

    std::error_code ec;
    if (base.is_absolute() && create && !std::filesystem::exists(base, ec))
        INTERIMAP_TRY(make_private_directories(base));
    if (!base.is_absolute() || !std::filesystem::is_directory(base, ec))
        return Fail(ErrorCode::not_found, "No such directory: " + base.string());
    return base;
}

Result<std::filesystem::path> xdg_resolve(XdgDirectory which, std::string_view program,
                                          const std::filesystem::path& path, bool create) {
    if (path.is_absolute())
        return path;
    auto base = xdg_base_directory(which, create);
    if (!base)
        return Fail(std::move(base).error());
    std::filesystem::path dir = *base / std::string(program);
    if (create && ::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
        return Fail(ErrorCode::io, "Couldn't create " + dir.string() + ": " + std::strerror(errno));
    return dir / path;
}

} // namespace interimap::config
