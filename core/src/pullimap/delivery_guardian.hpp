// What closes the last gap of exactly-once delivery. An SMTP or LMTP server
// commits a message when it reads the final "."; we learn it from its reply.
// If pullimap is killed in between (and for a server such as Dovecot's LMTP,
// which saves and indexes before answering, that is most of the time a
// delivery takes), the message is delivered but its UID is not in the
// statefile, and the next run delivers it again: the reference's
// duplicates.
//
// So while a session is open, a small child process stands guard. It holds
// the session's socket and the statefile, and waits on a pipe. If pullimap
// dies, the pipe reports end-of-file; the guardian then reads the reply the
// server owes for the message in doubt, records its UID if the server
// accepted it, says QUIT and exits. At most one message is ever in doubt:
// a message's data only follows the previous message's final reply, which
// is how SMTP orders replies (the 354 to the next DATA comes after it).
//
// What is left: a kill of the whole process group, or of the guardian
// along with pullimap, or a power cut, within a server's commit time. No
// SMTP client can close that one (RFC 1047).
#pragma once

#include <cstdint>
#include <interimap/result.hpp>
#include <memory>
#include <sys/types.h>

namespace interimap::pullimap {

class DeliveryGuardian {
public:
    /// Forks the guardian for the session on `socket_fd`, recording into the
    /// statefile open on `statefile_fd`. The guardian keeps both open (and so
    /// the statefile's lock) until told to go or done taking over.
    static Result<std::unique_ptr<DeliveryGuardian>> start(int socket_fd, int statefile_fd);
    /// Tells the guardian to exit, and reaps it.
    ~DeliveryGuardian();
    DeliveryGuardian(const DeliveryGuardian&) = delete;
    DeliveryGuardian& operator=(const DeliveryGuardian&) = delete;

    /// The message of `uid` is about to be committed: its final dot is
    /// being queued. `replies`: how many replies tell the outcome (LMTP:
    /// one per accepted recipient).
    void sending(std::uint32_t uid, std::uint32_t replies);
    /// The stream took the final dot: the server will commit the message.
    void sent();
    /// The server accepted it; its UID is being written to the statefile.
    void accepted();
    /// Its outcome is known and, if accepted, recorded.
    void settled();

    /// Where the message in doubt stands, as pullimap last said.
    enum class Phase : std::uint32_t { none, sending, sent, accepted };

    /// What the guardian does once pullimap is gone (exposed for the
    /// tests): for a message `accepted`, records it; otherwise reads the
    /// replies owed for it from `socket_fd`, for at most `timeout_ms`, and
    /// records it if they are all positive. A UID already at the end of
    /// the statefile is not written again. Returns whether it is recorded.
    static bool take_over(int socket_fd, int statefile_fd, std::uint32_t uid, std::uint32_t replies,
                          Phase phase, int timeout_ms);

    struct Shared;

private:
    DeliveryGuardian(Shared* shared, int pipe_fd, pid_t pid)
        : shared_(shared), pipe_fd_(pipe_fd), pid_(pid) {}
    Shared* shared_;
    int pipe_fd_;
    pid_t pid_;
};

} // namespace interimap::pullimap
