#include "pullimap/statefile.hpp"

#include "config/xdg.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace interimap::pullimap {

namespace {

constexpr std::string_view program_name = "pullimap";
/// UIDVALIDITY and UIDNEXT.
constexpr std::uint64_t header_size = 8;

std::string errno_text() {
    return std::strerror(errno);
}

Fail os_error(std::string_view what, const std::filesystem::path& path) {
    return Fail(ErrorCode::io, std::string(what) + " " + path.string() + ": " + errno_text());
}

std::array<unsigned char, 4> big_endian(std::uint32_t value) {
    return {static_cast<unsigned char>(value >> 24), static_cast<unsigned char>(value >> 16),
            static_cast<unsigned char>(value >> 8), static_cast<unsigned char>(value)};
}

std::uint32_t from_big_endian(const unsigned char* bytes) {
    return static_cast<std::uint32_t>(bytes[0]) << 24 | static_cast<std::uint32_t>(bytes[1]) << 16 |
           static_cast<std::uint32_t>(bytes[2]) << 8 | static_cast<std::uint32_t>(bytes[3]);
}

} // namespace

Result<std::filesystem::path> statefile_path(const std::optional<std::string>& option,
                                             std::string_view section) {
    std::filesystem::path file = option ? *option : std::string(section);
    return config::xdg_resolve(config::XdgDirectory::data, program_name, file, true);
}

Result<Statefile> Statefile::open(const std::filesystem::path& path, bool create) {
    int flags = O_RDWR | O_DSYNC | O_CLOEXEC | (create ? O_CREAT : 0);
    int fd = ::open(path.c_str(), flags, 0600);
    if (fd < 0)
        return Fail(errno == ENOENT ? ErrorCode::not_found : ErrorCode::io,
                    "Can't open " + path.string() + ": " + errno_text());
    // From here on the Statefile owns fd and closes it on every return.
    Statefile file(path, fd, 0);

    struct flock lock {};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET; // l_start = l_len = 0: the whole file, however long
    if (::fcntl(fd, F_OFD_SETLK, &lock) != 0)
        return Fail(errno == EAGAIN || errno == EACCES ? ErrorCode::locked : ErrorCode::io,
                    "Can't lock " + path.string() + ": " + errno_text());

    struct stat st {};
    if (::fstat(fd, &st) != 0)
        return os_error("Can't stat", path);
    if (!S_ISREG(st.st_mode))
        return Fail(ErrorCode::io, "Can't open " + path.string() + ": not a regular file");
    file.size_ = static_cast<std::uint64_t>(st.st_size);
    return file;
}

Statefile::Statefile(Statefile&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)), size_(other.size_) {}

Statefile& Statefile::operator=(Statefile&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0)
            ::close(fd_);
        path_ = std::move(other.path_);
        fd_ = std::exchange(other.fd_, -1);
        size_ = other.size_;
    }
    return *this;
}

Statefile::~Statefile() {
    if (fd_ >= 0)
        ::close(fd_);
}

Result<StatefileState> Statefile::read() {
    struct stat st {};
    if (::fstat(fd_, &st) != 0)
        return os_error("Can't stat", path_);
    size_ = static_cast<std::uint64_t>(st.st_size);
    if (size_ % 4 != 0)
        return Fail(ErrorCode::storage, "Corrupted state file " + path_.string() + ": " +
                                            std::to_string(size_) +
                                            " bytes, not a whole number of 32-bit integers");

    std::vector<unsigned char> bytes(size_);
    std::size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n =
            ::pread(fd_, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return os_error("Can't read", path_);
        if (n == 0)
            return Fail(ErrorCode::storage,
                        "Corrupted state file " + path_.string() + ": shorter than its size");
        done += static_cast<std::size_t>(n);
    }

    StatefileState state;
    for (std::size_t offset = 0; offset < bytes.size(); offset += 4) {
        std::uint32_t value = from_big_endian(bytes.data() + offset);
        if (offset == 0)
            state.uidvalidity = value;
        else if (offset == 4)
            state.uidnext = value;
        else
            state.delivered.push_back(value);
    }
    return state;
}

Result<void> Statefile::write_at(std::uint64_t offset, std::uint32_t value) {
    auto bytes = big_endian(value);
    std::size_t done = 0;
    while (done < bytes.size()) {
        // O_DSYNC: the data is on the disk when pwrite returns.
        ssize_t n = ::pwrite(fd_, bytes.data() + done, bytes.size() - done,
                             static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return os_error("Can't write", path_);
        done += static_cast<std::size_t>(n);
    }
    size_ = std::max(size_, offset + bytes.size());
    return ok();
}

Result<void> Statefile::write_uidvalidity(std::uint32_t uidvalidity) {
    return write_at(0, uidvalidity);
}

Result<void> Statefile::write_uidnext(std::uint32_t uidnext) {
    // Without UIDVALIDITY, a hole of zeroes would read as UIDVALIDITY 0.
    if (size_ < 4)
        return Fail(ErrorCode::internal, "UIDNEXT written before UIDVALIDITY in " + path_.string());
    return write_at(4, uidnext);
}

Result<void> Statefile::record_delivered(std::uint32_t uid) {
    if (size_ < header_size || size_ % 4 != 0)
        return Fail(ErrorCode::internal, "Delivered UID " + std::to_string(uid) +
                                             " recorded before UIDVALIDITY and UIDNEXT in " +
                                             path_.string());
    return write_at(size_, uid);
}

Result<void> Statefile::finish_fetch(std::uint32_t uidnext) {
    INTERIMAP_TRY(write_uidnext(uidnext));
    if (::ftruncate(fd_, static_cast<off_t>(header_size)) != 0)
        return os_error("Can't truncate", path_);
    size_ = header_size;
    // O_DSYNC covers writes, not ftruncate. A lost truncation would only
    // leave UIDs below UIDNEXT, which are harmless, but sync it anyway.
    if (::fdatasync(fd_) != 0)
        return os_error("Can't sync", path_);
    return ok();
}

} // namespace interimap::pullimap
