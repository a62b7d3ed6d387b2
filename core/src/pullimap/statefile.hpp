// pullimap's statefile, byte for byte as pullimap(1) 0.5.7 writes it (CONTROL
// FLOW): 32-bit big-endian integers, UIDVALIDITY, UIDNEXT, then the UIDs
// delivered during a fetch that has not finished yet. Those trailing UIDs are
// what makes delivery exactly-once: each is durable before the next message
// is fetched, so a run that was interrupted knows what it already delivered.
#pragma once

#include <cstdint>
#include <filesystem>
#include <interimap/result.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace interimap::pullimap {

/// What a statefile holds. An empty file (a first run) has neither value; a
/// 4-byte file (a first run interrupted between its two writes) has only
/// UIDVALIDITY, and the reference then starts again from UIDNEXT 1.
struct StatefileState {
    std::optional<std::uint32_t> uidvalidity;
    std::optional<std::uint32_t> uidnext;
    /// UIDs delivered by a fetch that did not finish (bytes 9 onwards), in
    /// the order they were delivered.
    std::vector<std::uint32_t> delivered;

    bool operator==(const StatefileState&) const = default;
};

/// The statefile of one section: the `statefile` option, or the section name
/// when unset; relative to $XDG_DATA_HOME/pullimap (or ~/.local/share/pullimap),
/// which is created with mode 0700 when missing.
Result<std::filesystem::path> statefile_path(const std::optional<std::string>& option,
                                             std::string_view section);

/// An open, locked statefile. Every write is made with O_DSYNC, so it is on
/// the disk by the time the call returns.
class Statefile {
public:
    /// Opens `path` read-write with O_DSYNC and O_CLOEXEC, creating it (mode
    /// 0600) when `create` is set (the reference does not create it under
    /// --idle), then takes an exclusive lock on the whole file without
    /// waiting. A held lock gives ErrorCode::locked and "Can't lock PATH:
    /// Resource temporarily unavailable", the reference's wording (it exits
    /// with status 11, EAGAIN). The lock is an open-file-description lock
    /// (F_OFD_SETLK): it conflicts with the reference's fcntl(F_SETLK) lock
    /// and with a second open in this very process, and is not dropped when
    /// some other descriptor of the file is closed. Like the reference, a
    /// symbolic link is followed, and a flock(2) lock is not seen.
    static Result<Statefile> open(const std::filesystem::path& path, bool create);

    Statefile(Statefile&& other) noexcept;
    Statefile& operator=(Statefile&& other) noexcept;
    Statefile(const Statefile&) = delete;
    Statefile& operator=(const Statefile&) = delete;
    /// Closes the file, which releases the lock.
    ~Statefile();

    const std::filesystem::path& path() const { return path_; }
    /// The open descriptor (the delivery guardian keeps a copy).
    int fd() const { return fd_; }

    /// The whole file. A size that is not a multiple of 4 bytes is an error
    /// naming the file ("Corrupted state file").
    Result<StatefileState> read();

    /// Writes bytes 1-4. On an empty file this is the first of the two
    /// writes that initialise it.
    Result<void> write_uidvalidity(std::uint32_t uidvalidity);
    /// Writes bytes 5-8; UIDVALIDITY must already be there.
    Result<void> write_uidnext(std::uint32_t uidnext);
    /// Appends a delivered UID (4 bytes at the end of the file); both values
    /// must already be there.
    Result<void> record_delivered(std::uint32_t uid);
    /// The end of a fetch: writes the new UIDNEXT, then truncates the file
    /// to 8 bytes, forgetting the delivered UIDs (steps 4 and 5 of the
    /// reference's control flow). The truncation is synced too.
    Result<void> finish_fetch(std::uint32_t uidnext);

private:
    Statefile(std::filesystem::path path, int fd, std::uint64_t size)
        : path_(std::move(path)), fd_(fd), size_(size) {}
    Result<void> write_at(std::uint64_t offset, std::uint32_t value);

    std::filesystem::path path_;
    int fd_ = -1;
    /// The file's size as of our last read or write: nobody else writes
    /// while we hold the lock.
    std::uint64_t size_ = 0;
};

} // namespace interimap::pullimap
