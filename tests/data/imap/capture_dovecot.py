#!/usr/bin/env python3
"""Records the dovecot_*.txt transcripts of this folder: runs IMAP command
scripts against a throw-away Dovecot (`doveadm exec imap`, pre-authenticated,
as user nobody) and saves the raw server output of each session.

Usage (as root, dovecot-imapd installed): capture_dovecot.py OUTPUT_DIR
Then regenerate the .expected files (see parser_transcript_test.cpp) and
review the diff: UIDVALIDITY values and dates change on every capture."""
import os, re, select, subprocess, sys, shutil, tempfile

BASE = tempfile.mkdtemp(prefix="interimap-capture-")
CONF = os.path.join(BASE, "dovecot.conf")
CMD = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "env", "USER=nobody",
       "HOME=/tmp", "doveadm", "-c", CONF, "exec", "imap"]


def setup():
    os.chmod(BASE, 0o755)
    for d in ("home", "Mail"):
        os.mkdir(os.path.join(BASE, d))
    with open(CONF, "w") as f:
        f.write(f"""log_path = {BASE}/dovecot.log
ssl = no
mail_home = {BASE}/home
mail_location = maildir:{BASE}/Mail
mail_uid = nobody
mail_gid = nogroup
first_valid_uid = 0
first_valid_gid = 0
namespace {{
  inbox = yes
  separator = /
}}
""")
    subprocess.run(["chown", "-R", "nobody:nogroup", BASE], check=True)

class Session:
    def __init__(self):
        self.p = subprocess.Popen(CMD, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.out = b""
        self.commands = []
        self.read_until(lambda b: b.endswith(b"\r\n"))

    def read_until(self, pred, timeout=5):
        buf = b""
        while not pred(buf):
            r, _, _ = select.select([self.p.stdout], [], [], timeout)
            if not r:
                raise RuntimeError("timeout, got %r" % buf[-300:])
            chunk = os.read(self.p.stdout.fileno(), 65536)
            if not chunk:
                break
            buf += chunk
        self.out += buf
        return buf

    def send(self, data):
        self.p.stdin.write(data)
        self.p.stdin.flush()

    def cmd(self, tag, *parts, log=None):
        """parts: bytes sent in order; after every part but the last, wait for '+'."""
        self.commands.append(log or b"".join(parts).split(b"\r\n")[0].decode("latin1"))
        for i, part in enumerate(parts):
            self.send(part)
            if i + 1 < len(parts):
                self.read_until(lambda b: re.search(rb"(^|\r\n)\+[^\r\n]*\r\n$", b) is not None)
        t = tag.encode()
        self.read_until(lambda b: re.search(rb"(^|\r\n)" + re.escape(t) + rb" (OK|NO|BAD)[^\r\n]*\r\n$", b) is not None)

    def close(self):
        self.p.stdin.close()
        self.p.wait()

def msg(subject, body, extra=b""):
    return (b"From: Alice <alice@example.org>\r\nTo: bob@example.net\r\nSubject: " + subject +
            b"\r\nDate: Mon, 7 Feb 1994 21:52:25 -0800\r\nMessage-ID: <" + subject.replace(b" ", b".") +
            b"@example.org>\r\n" + extra + b"\r\n" + body)

def lit(data, plus=True):
    return b"{%d%s}\r\n" % (len(data), b"+" if plus else b"") + data

def save(name, s):
    s.close()
    with open(os.path.join(sys.argv[1], name + ".txt"), "wb") as f:
        for c in s.commands:
            f.write(b"# C: " + c.encode("latin1") + b"\n")
        data = s.out
        # stored with LF line ends; the tests put the CRs back
        assert b"\n" not in data.replace(b"\r\n", b""), name + ": bare LF"
        assert b"\r" not in data.replace(b"\r\n", b""), name + ": bare CR"
        f.write(data.replace(b"\r\n", b"\n"))

def main():
    setup()

    s = Session()
    s.cmd("000001", b"000001 CAPABILITY\r\n")
    s.cmd("000002", b'000002 ID ("name" "interimap" "version" "0.6.0")\r\n')
    s.cmd("000003", b"000003 NAMESPACE\r\n")
    s.cmd("000004", b"000004 ENABLE QRESYNC\r\n")
    s.cmd("000005", b"000005 NOOP\r\n")
    s.cmd("000006", b"000006 LOGOUT\r\n")
    save("dovecot_greeting", s)

    s = Session()
    names = [b"Archive", b"Archive/2023", b'"with space"', b'"quote\\"d"', b'"back\\\\slash"',
             b"&AOk-t&AOk-", b'"brace{3}"', b"Trash", b"Sent", b'"percent%x"']
    for i, n in enumerate(names):
        s.cmd("%06d" % (i + 1), b"%06d CREATE %s\r\n" % (i + 1, n))
    s.cmd("000011", b"000011 SUBSCRIBE Archive\r\n")
    s.cmd("000012", b'000012 LIST "" *\r\n')
    s.cmd("000013", b'000013 LIST "" % RETURN (CHILDREN SUBSCRIBED)\r\n')
    s.cmd("000014", b'000014 LIST (SUBSCRIBED RECURSIVEMATCH) "" % RETURN (CHILDREN)\r\n')
    s.cmd("000015", b'000015 LIST "" * RETURN (STATUS (MESSAGES UIDNEXT UIDVALIDITY HIGHESTMODSEQ))\r\n')
    s.cmd("000016", b'000016 STATUS "with space" (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ SIZE)\r\n')
    s.cmd("000017", b"000017 LSUB \"\" *\r\n")
    s.cmd("000018", b'000018 LIST "" ""\r\n')
    s.cmd("000019", b"000019 CREATE Archive\r\n")
    s.cmd("000020", b"000020 DELETE Nonexistent\r\n")
    s.cmd("000021", b"000021 RENAME Sent Sent2\r\n")
    s.cmd("000022", b"000022 LOGOUT\r\n")
    save("dovecot_list_status", s)

    s = Session()
    m1 = msg(b"first", b"Hello Bob,\r\n\r\nthis is the first message.\r\n")
    m2 = msg(b"second", "Grüße aus Köln — ünïcödé body\r\n".encode(),
             b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n")
    m3 = msg(b"third", b"no final newline")
    m4 = msg(b"paren (body)", b")(\r\n* 3 FETCH (fake)\r\n{5}\r\nA001 OK not a response\r\n")
    s.cmd("000001", b"000001 APPEND INBOX (\\Seen) \"07-Feb-1994 21:52:25 -0800\" " + lit(m1) + b"\r\n")
    s.cmd("000002", b"000002 APPEND INBOX " + lit(m2, plus=False)[:len(b"{%d}\r\n" % len(m2))],
          m2 + b"\r\n", log="000002 APPEND INBOX {%d}" % len(m2))
    s.cmd("000003", b"000003 APPEND INBOX (\\Flagged $Important) " + lit(m3) + b" (\\Answered) " + lit(m4) + b"\r\n")
    s.cmd("000004", b"000004 APPEND Archive () " + lit(b"") + b"\r\n")
    s.cmd("000005", b"000005 APPEND Nonexistent " + lit(m1) + b"\r\n")
    s.cmd("000006", b"000006 LOGOUT\r\n")
    save("dovecot_append", s)

    s = Session()
    s.cmd("000001", b"000001 ENABLE QRESYNC\r\n")
    s.cmd("000002", b"000002 SELECT INBOX (CONDSTORE)\r\n")
    s.cmd("000003", b"000003 UID FETCH 1:* (UID FLAGS MODSEQ INTERNALDATE RFC822.SIZE)\r\n")
    s.cmd("000004", b"000004 UID FETCH 1:* (BODY.PEEK[])\r\n")
    s.cmd("000005", b"000005 UID FETCH 1:2 (BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)] BODY.PEEK[TEXT]<0.10>)\r\n")
    s.cmd("000006", b"000006 UID FETCH 3 (ENVELOPE BODYSTRUCTURE)\r\n")
    s.cmd("000007", b"000007 UID FETCH 2 (BINARY.PEEK[1] BINARY.SIZE[1])\r\n")
    s.cmd("000008", b"000008 FETCH 1:* (UID) (CHANGEDSINCE 1)\r\n")
    s.cmd("000009", b"000009 UID SEARCH ALL\r\n")
    s.cmd("000010", b"000010 UID SEARCH RETURN (ALL COUNT MIN MAX) UNDELETED\r\n")
    s.cmd("000011", b"000011 SEARCH MODSEQ 2\r\n")
    s.cmd("000012", b"000012 SEARCH RETURN () SUBJECT nothing\r\n")
    s.cmd("000013", b"000013 IDLE\r\n", b"DONE\r\n")
    s.cmd("000014", b"000014 LOGOUT\r\n")
    save("dovecot_select_fetch", s)

    s = Session()
    s.cmd("000001", b"000001 ENABLE QRESYNC\r\n")
    s.cmd("000002", b"000002 SELECT INBOX\r\n")
    s.cmd("000003", b"000003 UID STORE 1 +FLAGS.SILENT (\\Deleted)\r\n")
    s.cmd("000004", b"000004 UID STORE 2 (UNCHANGEDSINCE 100) +FLAGS (\\Seen $Label1)\r\n")
    s.cmd("000005", b"000005 UID STORE 2 (UNCHANGEDSINCE 1) +FLAGS (\\Draft)\r\n")
    s.cmd("000006", b"000006 EXPUNGE\r\n")
    s.cmd("000007", b"000007 UID COPY 2:3 Archive\r\n")
    s.cmd("000008", b"000008 UID MOVE 4 Trash\r\n")
    s.cmd("000009", b"000009 UNSELECT\r\n")
    s.cmd("000010", b"000010 STATUS INBOX (UIDVALIDITY)\r\n")
    uidvalidity = re.search(rb"UIDVALIDITY (\d+)", s.out.split(b"\r\n")[-3]).group(1)
    s.cmd("000011", b"000011 SELECT INBOX (QRESYNC (" + uidvalidity + b" 1 1:10))\r\n")
    s.cmd("000012", b"000012 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)\r\n")
    s.cmd("000013", b"000013 CLOSE\r\n")
    s.cmd("000014", b"000014 SELECT Nonexistent\r\n")
    s.cmd("000015", b"000015 FROBNICATE\r\n")
    s.cmd("000016", b"000016 FETCH 1 (FLAGS)\r\n")
    s.cmd("000017", b"000017 LOGOUT\r\n")
    save("dovecot_qresync_expunge", s)

try:
    main()
finally:
    shutil.rmtree(BASE)
