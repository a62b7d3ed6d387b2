"""Deterministic random mail for the benchmark.

Every message is a pure function of (seed, mailbox index, message index):
the same arguments give the same bytes, flags and INTERNALDATE on every
machine, so both programs copy exactly the same content and a store can be
rebuilt from nothing.  Sizes follow a mailbox of ordinary mail: 99 % of the
messages are text of 2-20 KB, 1 % carry a base64 attachment of 100 KB-1 MB
(log-uniform in both ranges).
"""

import base64
import math
import random
import time

SMALL = (2_000, 20_000)
LARGE = (100_000, 1_000_000)
LARGE_SHARE = 0.01
# INTERNALDATEs spread over 2020-2024, increasing with the message index as in
# a real mailbox.
EPOCH_START = 1_577_836_800
# Messages of the "new" phase arrive from 2025 on.
NEW_EPOCH = 1_735_689_600

_SYLLABLES = ["ba", "ce", "di", "fo", "gu", "ha", "je", "ki", "lo", "mu", "na", "pe", "qui", "ro",
              "sa", "te", "vu", "wa", "xe", "yo", "za", "an", "er", "is", "on", "ul", "th", "st"]


class Corpus:
    """Messages of one benchmark setup: `mailboxes` names, messages by index."""

    def __init__(self, seed, mailbox_count):
        self.seed = seed
        rng = random.Random(f"{seed}:vocabulary")
        self.words = ["".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 4)))
                      for _ in range(3000)]
        self.text = self._text_block(rng, 1 << 21)
        self.mailboxes = mailbox_names(mailbox_count)

    def _text_block(self, rng, size):
        # One block of wrapped random words; bodies are random slices of it.
        lines, total = [], 0
        while total < size:
            line = " ".join(rng.choices(self.words, k=rng.randint(6, 12)))
            if rng.random() < 0.08:
                line = ""
            lines.append(line)
            total += len(line) + 2
        return ("\r\n".join(lines) + "\r\n").encode()

    def message(self, mailbox_index, index, generation=0):
        """(bytes, flags, internaldate as epoch seconds) of one message.

        generation 0 is the initial content; later generations are the
        messages added on one side by the "new" phase (1 = local, 2 = remote).
        """
        rng = random.Random(f"{self.seed}:{mailbox_index}:{index}:{generation}")
        when = EPOCH_START + index * 3600 + rng.randint(0, 3599)
        if generation:
            when = NEW_EPOCH + index * 60 + rng.randint(0, 59)
        large = rng.random() < LARGE_SHARE
        low, high = LARGE if large else SMALL
        size = int(math.exp(rng.uniform(math.log(low), math.log(high))))
        header = self._header(rng, mailbox_index, index, generation, when, large)
        if large:
            body = self._attachment_body(rng, size, b"b%d" % index)
        else:
            body = self._slice(rng, max(size - len(header), 200))
        flags = []
        if rng.random() < 0.8:
            flags.append("\\Seen")
        if rng.random() < 0.1:
            flags.append("\\Answered")
        if rng.random() < 0.05:
            flags.append("\\Flagged")
        if rng.random() < 0.03:
            flags.append("$Label%d" % rng.randint(1, 3))
        return header + body, flags, when

    def _slice(self, rng, size):
        start = rng.randrange(0, len(self.text) - size - 1)
        start = self.text.index(b"\r\n", start) + 2
        end = self.text.find(b"\r\n", start + size)
        return self.text[start:end + 2 if end >= 0 else len(self.text)]

    def _header(self, rng, mailbox_index, index, generation, when, large):
        sender = rng.choice(self.words) + "@" + rng.choice(self.words) + ".example"
        subject = " ".join(rng.choices(self.words, k=rng.randint(2, 9)))
        lines = [
            "Return-Path: <%s>" % sender,
            "Received: from %s.example (%s.example [192.0.2.%d]) by mx.bench.example;" % (
                rng.choice(self.words), rng.choice(self.words), rng.randint(1, 254)),
            "\t%s" % time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(when)),
            "Date: %s" % time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(when - 7)),
            "From: %s <%s>" % (rng.choice(self.words).capitalize(), sender),
            "To: user@bench.example",
            "Subject: %s" % subject,
            "Message-ID: <%d.%d.%d.%d@bench.example>" % (self.seed, mailbox_index, index, generation),
            "MIME-Version: 1.0",
        ]
        if large:
            lines.append('Content-Type: multipart/mixed; boundary="b%d"' % index)
        else:
            lines.append("Content-Type: text/plain; charset=utf-8")
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    def _attachment_body(self, rng, size, boundary):
        raw = rng.randbytes(size * 3 // 4)
        encoded = base64.encodebytes(raw).replace(b"\n", b"\r\n")
        return b"".join([
            b"--", boundary, b"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n",
            self._slice(rng, 1500),
            b"--", boundary, b"\r\nContent-Type: application/octet-stream\r\n",
            b"Content-Transfer-Encoding: base64\r\n",
            b'Content-Disposition: attachment; filename="data.bin"\r\n\r\n',
            encoded, b"--", boundary, b"--\r\n"])


def mailbox_names(count):
    """INBOX, then folders with some hierarchy ("/" is the delimiter)."""
    names = ["INBOX"]
    tops = ["Archive", "Lists", "Projects", "Sent", "Receipts"]
    i = 0
    while len(names) < count:
        top = tops[i % len(tops)]
        names.append(top if i < len(tops) else "%s/%02d" % (top, i // len(tops)))
        i += 1
    return names
