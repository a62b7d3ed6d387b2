"""A minimal pipelined IMAP client for the benchmark's own chores.

It speaks to a pre-authenticated server on a child's stdin/stdout (here
`doveadm exec imap`): it fills the stores, measures how fast Dovecot alone
accepts the appends (MULTIAPPEND with LITERAL+, everything pipelined), changes
flags, and lists what a store holds to check that a run synchronised it.
"""

import calendar
import re
import subprocess
import threading
import time

_LITERAL = re.compile(rb"\{(\d+)\}\r\n$")
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


class ImapError(Exception):
    pass


def imap_date(epoch):
    t = time.gmtime(epoch)
    return '"%02d-%s-%04d %02d:%02d:%02d +0000"' % (
        t.tm_mday, _MONTHS[t.tm_mon - 1], t.tm_year, t.tm_hour, t.tm_min, t.tm_sec)


def parse_imap_date(text):
    day, month, rest = text.strip().split("-", 2)
    year, clock, zone = rest.split(" ")
    h, m, s = (int(x) for x in clock.split(":"))
    epoch = calendar.timegm((int(year), _MONTHS.index(month) + 1, int(day), h, m, s))
    offset = (int(zone[1:3]) * 3600 + int(zone[3:5]) * 60) * (1 if zone[0] == "+" else -1)
    return epoch - offset


def quote(mailbox):
    return '"%s"' % mailbox.replace("\\", "\\\\").replace('"', '\\"')


class Session:
    def __init__(self, argv, stderr=subprocess.DEVNULL):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=stderr, bufsize=1 << 20)
        self.tag = 0
        greeting = self._response()
        if not greeting.startswith(b"* PREAUTH"):
            raise ImapError("no PREAUTH greeting from %s: %r" % (argv, greeting[:200]))

    def _response(self):
        """One response line, literals included."""
        out = []
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise ImapError("server closed the connection")
            out.append(line)
            m = _LITERAL.search(line)
            if not m:
                return b"".join(out)
            out.append(self.proc.stdout.read(int(m.group(1))))

    def _next_tag(self):
        self.tag += 1
        return b"b%d" % self.tag

    def _wait(self, tag):
        untagged = []
        while True:
            line = self._response()
            if line.startswith(tag + b" "):
                if not line[len(tag) + 1:].startswith(b"OK"):
                    raise ImapError(line.decode(errors="replace").strip())
                return untagged
            untagged.append(line)

    def command(self, text):
        tag = self._next_tag()
        self.proc.stdin.write(tag + b" " + text.encode() + b"\r\n")
        self.proc.stdin.flush()
        return self._wait(tag)

    def append(self, mailbox, messages, batch=500):
        """Append (bytes, flags, epoch) messages, pipelined MULTIAPPEND commands."""
        tags = []

        def writer():
            w = self.proc.stdin
            for start in range(0, len(messages), batch):
                tag = self._next_tag()
                tags.append(tag)
                w.write(tag + b" APPEND " + quote(mailbox).encode())
                for data, flags, when in messages[start:start + batch]:
                    w.write(b" (%s) %s {%d+}\r\n" % (" ".join(flags).encode(),
                                                      imap_date(when).encode(), len(data)))
                    w.write(data)
                w.write(b"\r\n")
            w.flush()

        count = (len(messages) + batch - 1) // batch
        thread = threading.Thread(target=writer)
        thread.start()
        try:
            seen = 0
            while seen < count:
                line = self._response()
                if line.startswith(b"b"):
                    seen += 1
                    if b" OK" not in line[:20]:
                        raise ImapError("APPEND to %s: %s" % (mailbox, line.decode(errors="replace").strip()))
        finally:
            thread.join()

    def index(self, mailbox):
        """[(message-id, size, flags, internaldate, uid)] of a mailbox."""
        self.command("SELECT " + quote(mailbox))
        out = []
        for line in self.command("UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE "
                                 "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])"):
            if b" FETCH " not in line:
                continue
            uid = int(re.search(rb"UID (\d+)", line).group(1))
            flags = re.search(rb"FLAGS \(([^)]*)\)", line).group(1).decode().split()
            flags = tuple(sorted(f for f in flags if f != "\\Recent"))
            date = parse_imap_date(re.search(rb'INTERNALDATE "([^"]*)"', line).group(1).decode())
            size = int(re.search(rb"RFC822\.SIZE (\d+)", line).group(1))
            msgid = re.search(rb"Message-ID: *(<[^>]*>)", line, re.I).group(1).decode()
            out.append((msgid, size, flags, date, uid))
        self.command("UNSELECT")
        return out

    def read_all(self, mailbox):
        """Fetch every message of a mailbox whole; the number of bytes read."""
        self.command("EXAMINE " + quote(mailbox))
        total = sum(len(line) for line in self.command("UID FETCH 1:* BODY.PEEK[]"))
        self.command("UNSELECT")
        return total

    def logout(self):
        try:
            self.command("LOGOUT")
        except ImapError:
            pass
        self.proc.stdin.close()
        self.proc.wait()
