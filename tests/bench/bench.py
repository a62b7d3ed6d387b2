#!/usr/bin/env python3
"""The synchronisation benchmark: our interimap against Debian's 0.5.7.

See README.md beside this file. Two Dovecot stores per setup (remote mdbox
filled with deterministic random mail, local maildir empty); each program, in
turn, from the same pristine copy, runs four phases: initial copy, no-op
rerun, 10 % of the messages re-flagged on each side, 5 % new messages on each
side; five timed runs, as the no-op is timed twice: at once after the initial
copy (for information), then on settled stores like the phases after it (see
settle()).
After each run but the initial copy, both stores are checked against what
the phase must produce, so a fast but wrong run cannot pass for a result.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time

import corpus
import imapclient
import stores

HERE = os.path.dirname(os.path.abspath(__file__))
PHASES = ["initial", "no-op, at once", "no-op", "flags", "new"]
# The timed runs that start on settled stores (see settle()).
SETTLED_PHASES = {"no-op", "flags", "new"}
# The runs after which Dovecot alone is timed answering what a no-op asks.
NOOP_PHASES = ("no-op, at once", "no-op")
RSS_LIMIT_KIB = 16 * 1024


class Setup:
    def __init__(self, name, title, mailboxes, per_mailbox, delay_ms, targets, floor):
        self.name, self.title = name, title
        self.mailboxes, self.per_mailbox, self.delay_ms = mailboxes, per_mailbox, delay_ms
        self.targets = targets  # phase -> ("speed-up", factor) or ("floor", ratio)
        self.measure_floor = floor

    @property
    def messages(self):
        return self.mailboxes * self.per_mailbox


def setups(quick):
    # The no-op timed at once after the copy gets the no-op's target for
    # information only (see settle()).
    loopback_targets = {"initial": ("floor", 1.10), "no-op": ("speed-up", 4),
                        "no-op, at once": ("information", 4)}
    away_targets = {"initial": ("speed-up", 3), "no-op": ("speed-up", 2),
                    "no-op, at once": ("information", 2),
                    "flags": ("speed-up", 10), "new": ("speed-up", 10)}
    if quick:
        return [Setup("loopback", "loopback", 2, 300, 0, loopback_targets, True),
                Setup("away", "50 ms away", 4, 40, 25, away_targets, False)]
    return [Setup("loopback", "loopback", 4, 5000, 0, loopback_targets, True),
            Setup("away", "50 ms away", 20, 200, 25, away_targets, False)]


class Failure(Exception):
    pass


def log(*args):
    print(*args, file=sys.stderr, flush=True)


class Bench:
    def __init__(self, args):
        self.args = args
        self.work = os.path.abspath(args.workdir)
        self.seed = args.seed
        self.programs = []
        if args.only in (None, "ours"):
            self.programs.append(("ours", os.path.abspath(args.ours)))
        if args.only in (None, "reference"):
            self.programs.append(("reference", os.path.abspath(args.reference)))
        self.shim = self.proxy = None
        self.both_ways_results = []
        self.both_ways_size = (0, 0)

    # ---- preparation -------------------------------------------------------

    def build_tools(self):
        """The delay proxy, and the preloaded library reporting each program's
        own peak RSS."""
        self.proxy = os.path.join(self.work, "delay_proxy")
        result = subprocess.run(["cc", "-O2", "-pthread", "-o", self.proxy,
                                 os.path.join(HERE, "delay_proxy.c")], capture_output=True, text=True)
        if result.returncode != 0:
            raise Failure("cannot build delay_proxy.c: " + result.stderr.strip())
        target = os.path.join(self.work, "peak_rss.so")
        result = subprocess.run(["cc", "-shared", "-fPIC", "-O2", "-o", target,
                                 os.path.join(HERE, "peak_rss.c")], capture_output=True, text=True)
        if result.returncode != 0:
            log("warning: cannot build peak_rss.so (%s); peak RSS falls back to wait4(), "
                "which includes the tunnel children" % result.stderr.strip())
            return
        for name, path in self.programs:
            libs = subprocess.run(["ldd", path], capture_output=True, text=True).stdout
            if "libasan" in libs or "libtsan" in libs:
                log("warning: %s (%s) is built with a sanitizer: its figures mean nothing" % (name, path))
                return
        self.shim = target

    def generate(self, setup):
        """Pristine stores for `setup`: remote mdbox filled, local maildir empty."""
        base = os.path.join(self.work, setup.name)
        run, pristine = os.path.join(base, "run"), os.path.join(base, "pristine")
        start = time.monotonic()
        content = corpus.Corpus(self.seed, setup.mailboxes)
        messages = [[content.message(m, i) for i in range(setup.per_mailbox)]
                    for m in range(setup.mailboxes)]
        generated = time.monotonic()
        os.makedirs(run)
        stores.create(os.path.join(run, "remote"), "mdbox")
        stores.create(os.path.join(run, "local"), "maildir")
        append_all(os.path.join(run, "remote"), content.mailboxes, messages)
        stores.snapshot(run, pristine)
        done = time.monotonic()
        total_bytes = sum(len(m[0]) for box in messages for m in box)
        log("%s: %d messages (%.0f MB) generated in %.1f s, remote store filled and snapshotted in %.1f s"
            % (setup.name, setup.messages, total_bytes / 1e6, generated - start, done - generated))
        return content, messages, {"generate": generated - start, "fill": done - generated,
                                   "bytes": total_bytes}

    # ---- one program's four phases ----------------------------------------

    def write_config(self, setup, run):
        config_dir = os.path.join(run, "config", "interimap")
        os.makedirs(config_dir, exist_ok=True)
        os.makedirs(os.path.join(run, "data"), exist_ok=True)
        with open(os.path.join(config_dir, "config"), "w") as config:
            config.write("[local]\ntype = tunnel\ncommand = %s\nnull-stderr = YES\n"
                         "[remote]\ntype = tunnel\ncommand = %s\nnull-stderr = YES\n"
                         % (stores.tunnel_command(os.path.join(run, "local")),
                            stores.tunnel_command(os.path.join(run, "remote"), setup.delay_ms, self.proxy)))

    def run_program(self, path, run, logfile):
        """Run one interimap; (wall seconds, own peak RSS KiB, wait4 peak RSS KiB)."""
        env = dict(os.environ, XDG_CONFIG_HOME=os.path.join(run, "config"),
                   XDG_DATA_HOME=os.path.join(run, "data"))
        report = os.path.join(run, "peak_rss")
        if os.path.exists(report):
            os.unlink(report)
        if self.shim:
            env.update(LD_PRELOAD=self.shim, BENCH_PEAK_RSS_FILE=report)
        with open(logfile, "ab") as out:
            out.write(b"==== %s\n" % path.encode())
            out.flush()
            start = time.monotonic()
            proc = subprocess.Popen([path], stdin=subprocess.DEVNULL, stdout=out, stderr=out, env=env)
            _, status, usage = os.wait4(proc.pid, 0)
            elapsed = time.monotonic() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise Failure("%s exited with status %d, see %s" % (path, proc.returncode, logfile))
        own = None
        if os.path.exists(report):
            with open(report) as f:
                own = int(f.read().strip())
        return elapsed, own, usage.ru_maxrss

    def chain(self, setup, content, messages, name, path, round_no):
        """Restore the pristine stores and run the four phases (the no-op twice);
        phase -> figures."""
        base = os.path.join(self.work, setup.name)
        run = os.path.join(base, "run")
        stores.restore(os.path.join(base, "pristine"), run)
        self.write_config(setup, run)
        local, remote = os.path.join(run, "local"), os.path.join(run, "remote")
        logfile = os.path.join(self.work, "logs", "%s-%s-round%d.log" % (setup.name, name, round_no))
        expected = expected_state(content, messages)
        figures = {}
        for phase in PHASES:
            if phase == "flags":
                reflag(self.seed, content.mailboxes, local, remote, expected)
            elif phase == "new":
                add_new(content, setup.per_mailbox, local, remote, expected)
            if phase in SETTLED_PHASES:
                figures[phase + " catching up"] = settle(run)
            os.sync()  # no write-back of the restore or the changes during the timed run
            figures[phase] = self.run_program(path, run, logfile)
            if phase in NOOP_PHASES and setup.measure_floor:
                figures[phase + " floor"] = noop_floor(run)
            if phase != "initial" and not self.args.no_check:
                for side, store in (("local", local), ("remote", remote)):
                    problem = compare(store, expected)
                    if problem:
                        raise Failure("%s, %s phase, round %d: %s store: %s (log: %s)"
                                      % (name, phase, round_no, side, problem, logfile))
            extra = ("  (Dovecot alone: %.3f s)" % figures[phase + " floor"]
                     if phase + " floor" in figures else "")
            log("  %-9s round %d %-14s %7.2f s  %s%s" % (name, round_no, phase, figures[phase][0],
                                                         rss_text(figures[phase]), extra))
        return figures

    def floor(self, setup, content, messages):
        """Seconds Dovecot alone takes to accept the initial copy's appends into
        the empty local store (one pipelined IMAP session, MULTIAPPEND, LITERAL+),
        and, for information, to serve the whole remote store to one client."""
        base = os.path.join(self.work, setup.name)
        run = os.path.join(base, "run")
        stores.restore(os.path.join(base, "pristine"), run)
        os.sync()
        start = time.monotonic()
        append_all(os.path.join(run, "local"), content.mailboxes, messages)
        appended = time.monotonic()
        session = imapclient.Session(stores.imap_argv(os.path.join(run, "remote")))
        for mailbox in content.mailboxes:
            session.read_all(mailbox)
        session.logout()
        return appended - start, time.monotonic() - appended

    # ---- the whole benchmark ----------------------------------------------

    def run(self):
        os.makedirs(os.path.join(self.work, "logs"), exist_ok=True)
        self.build_tools()
        results = []
        for setup in setups(self.args.quick):
            if self.args.setup not in (None, setup.name):
                continue
            log("== %s: %d mailboxes x %d messages, %d rounds" % (
                setup.title, setup.mailboxes, setup.per_mailbox, self.args.rounds))
            content, messages, prep = self.generate(setup)
            extras = [p + " floor" for p in NOOP_PHASES] + ["no-op catching up"]
            samples = {name: {phase: [] for phase in PHASES + extras} for name, _ in self.programs}
            floors = []
            for round_no in range(1, self.args.rounds + 1):
                if setup.measure_floor:
                    floors.append(self.floor(setup, content, messages))
                    log("  floor     round %d          %7.2f s  (serving the remote store: %.2f s)"
                        % (round_no, floors[-1][0], floors[-1][1]))
                order = self.programs if round_no % 2 else list(reversed(self.programs))
                for name, path in order:
                    figures = self.chain(setup, content, messages, name, path, round_no)
                    for phase in PHASES:
                        samples[name][phase].append(figures[phase])
                    for extra in extras:
                        if extra in figures:
                            samples[name][extra].append(figures[extra])
            results.append((setup, prep, samples, floors))
            if setup.measure_floor:
                self.both_ways_results = self.both_ways(setup)
        return results

    def both_ways(self, setup):
        """Each program once on two copies that run both ways at once, its
        peak RSS: new messages on both sides of one mailbox, and on opposite
        sides of two mailboxes. [(case, name, seconds, KiB, own)]"""
        per_side = max(setup.per_mailbox // 4, 10)
        content = corpus.Corpus(self.seed + 1, 2)
        mine = {side: [content.message(m, i) for i in range(per_side)]
                for m, side in enumerate(("local", "remote"))}
        self.both_ways_size = (per_side, sum(len(m[0]) for box in mine.values() for m in box))
        cases = [("one mailbox, new messages on both sides", {"local": "Both", "remote": "Both"}),
                 ("two mailboxes, new messages on opposite sides", {"local": "Left", "remote": "Right"})]
        out = []
        for number, (case, boxes) in enumerate(cases):
            base = os.path.join(self.work, "both-ways-%d" % number)
            run, pristine = os.path.join(base, "run"), os.path.join(base, "pristine")
            os.makedirs(run)
            stores.create(os.path.join(run, "remote"), "mdbox")
            stores.create(os.path.join(run, "local"), "maildir")
            for side, box in boxes.items():
                append_all(os.path.join(run, side), [box], [mine[side]])
            stores.snapshot(run, pristine)
            for name, path in self.programs:
                stores.restore(pristine, run)
                self.write_config(setup, run)
                logfile = os.path.join(self.work, "logs", "both-ways-%d-%s.log" % (number, name))
                os.sync()
                seconds, own, waited = self.run_program(path, run, logfile)
                for side in ("local", "remote"):
                    session = imapclient.Session(stores.imap_argv(os.path.join(run, side)))
                    count = sum(len(session.index(box)) for box in sorted(set(boxes.values())))
                    session.logout()
                    if count != 2 * per_side:
                        raise Failure("%s, both ways (%s): %d messages on the %s side, not %d (log: %s)"
                                      % (name, case, count, side, 2 * per_side, logfile))
                out.append((case, name, seconds, own or waited, own is not None))
                log("  %-9s both ways %d  %7.2f s  %s" % (name, number + 1, seconds,
                                                        rss_text((seconds, own, waited))))
        return out


NOOP_COMMANDS = (b'n1 ENABLE QRESYNC\r\n'
                 b'n2 LIST "" * RETURN (SUBSCRIBED STATUS (UIDVALIDITY UIDNEXT HIGHESTMODSEQ))\r\n'
                 b'n3 LOGOUT\r\n')


def noop_floor(run):
    """Seconds Dovecot alone takes to answer what a no-op rerun asks: both
    stores' `doveadm exec imap` started at once, each answering ENABLE and
    one LIST-STATUS. For information: the part of a no-op no client avoids."""
    start = time.monotonic()
    procs = [subprocess.Popen(stores.imap_argv(os.path.join(run, side)), stdin=subprocess.PIPE,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for side in ("local", "remote")]
    for proc in procs:
        proc.stdin.write(NOOP_COMMANDS)
        proc.stdin.close()
    statuses = [proc.wait() for proc in procs]
    elapsed = time.monotonic() - start
    if any(statuses):
        raise Failure("doveadm exec imap answering a no-op's commands exited with %s" % statuses)
    return elapsed


def newest_change(run):
    """The newest modification time, in whole seconds, of the maildir
    directories that hold messages (`cur/`, `new/`): those whose time Dovecot
    checks. Its index files, beside them, change without making it re-read
    anything; the remote store is an mdbox, which has no such check."""
    newest = 0
    for directory, _, _ in os.walk(os.path.join(run, "local", "Mail")):
        if os.path.basename(directory) in ("cur", "new"):
            newest = max(newest, int(os.stat(directory).st_mtime))
    return newest


def settle(run):
    """Leave the stores as a rerun finds them when, since the last change,
    over a second has passed and some session has looked at them (a mail
    client, an earlier run), the same for both programs; the seconds Dovecot
    took to catch up (untimed, reported for information). Dovecot trusts a
    maildir directory's modification time (whole seconds) only once it is
    over a second old: until then each LIST-STATUS reads `cur/` and
    `dovecot-uidlist` of every changed mailbox again, and the first
    LIST-STATUS after that rescans them once and refreshes the list index
    (as it does after another session's SELECT, such as the checks').
    Without this, a timed run would include Dovecot catching up with the
    phase before it, by an amount that depends on how long ago each
    program's own previous run touched each mailbox (the reference copies
    mailboxes one after another, ours together). So: wait for that second to
    pass, have Dovecot catch up with the commands of a no-op, and start again
    if catching up changed a directory."""
    caught_up = 0.0
    for _ in range(5):
        newest = newest_change(run)
        time.sleep(max(0.0, newest + 2 - time.time()))
        caught_up += noop_floor(run)
        if newest_change(run) == newest:
            return caught_up
    raise Failure("the stores keep changing: %s" % run)


def append_all(store, mailboxes, messages):
    session = imapclient.Session(stores.imap_argv(store))
    for name in mailboxes:
        if name != "INBOX":
            session.command("CREATE " + imapclient.quote(name))
    for name, box in zip(mailboxes, messages):
        session.append(name, box, batch=1000)
    session.logout()


def expected_state(content, messages):
    """mailbox -> {message-id: (size, flags, internaldate)} after the initial copy."""
    state = {}
    for m, (name, box) in enumerate(zip(content.mailboxes, messages)):
        state[name] = {message_id(content, m, i, 0): (len(data), tuple(sorted(flags)), when)
                       for i, (data, flags, when) in enumerate(box)}
    return state


def message_id(content, mailbox_index, index, generation):
    return "<%d.%d.%d.%d@bench.example>" % (content.seed, mailbox_index, index, generation)


def compare(store, expected):
    """None if the store holds exactly `expected`, else what differs."""
    session = imapclient.Session(stores.imap_argv(store))
    try:
        for mailbox, want in expected.items():
            got = session.index(mailbox)
            have = {msgid: (size, flags, date) for msgid, size, flags, date, _ in got}
            if len(got) != len(want):
                return "%s holds %d messages, expected %d" % (mailbox, len(got), len(want))
            for msgid, value in want.items():
                if have.get(msgid) != value:
                    return "%s: message %s is %s, expected %s" % (mailbox, msgid, have.get(msgid), value)
    finally:
        session.logout()
    return None


def toggle_seen(flags):
    return tuple(sorted(set(flags) ^ {"\\Seen"}))


def reflag(seed, mailboxes, local, remote, expected):
    """Toggle \\Seen on 10 % of each mailbox's messages on each side (two
    disjoint random sets, chosen by Message-ID so that they do not depend on
    the UIDs a program assigned)."""
    chosen = {}
    for mailbox in mailboxes:
        ids = sorted(expected[mailbox])
        count = max(1, round(len(ids) * 0.10))
        picked = random.Random("%d:flags:%s" % (seed, mailbox)).sample(ids, 2 * count)
        chosen[mailbox] = {"local": set(picked[:count]), "remote": set(picked[count:])}
        for msgid in picked:
            size, flags, date = expected[mailbox][msgid]
            expected[mailbox][msgid] = (size, toggle_seen(flags), date)
    for side, store in (("local", local), ("remote", remote)):
        session = imapclient.Session(stores.imap_argv(store))
        for mailbox in mailboxes:
            index = session.index(mailbox)
            add = [uid for msgid, _, flags, _, uid in index
                   if msgid in chosen[mailbox][side] and "\\Seen" not in flags]
            remove = [uid for msgid, _, flags, _, uid in index
                      if msgid in chosen[mailbox][side] and "\\Seen" in flags]
            session.command("SELECT " + imapclient.quote(mailbox))
            for uids, op in ((add, "+"), (remove, "-")):
                if uids:
                    session.command("UID STORE %s %sFLAGS.SILENT (\\Seen)" % (",".join(map(str, uids)), op))
            session.command("UNSELECT")
        session.logout()


def add_new(content, per_mailbox, local, remote, expected):
    """Append 5 % new messages to each mailbox on each side."""
    count = max(1, round(per_mailbox * 0.05))
    for generation, store in ((1, local), (2, remote)):
        session = imapclient.Session(stores.imap_argv(store))
        for m, mailbox in enumerate(content.mailboxes):
            new = [content.message(m, i, generation) for i in range(count)]
            session.append(mailbox, new)
            for i, (data, flags, when) in enumerate(new):
                expected[mailbox][message_id(content, m, i, generation)] = (len(data), tuple(sorted(flags)), when)
        session.logout()


# ---- report ---------------------------------------------------------------

def rss_text(figure):
    _, own, waited = figure
    if own is not None:
        return "%.1f MiB" % (own / 1024)
    return "%.1f MiB (with children)" % (waited / 1024)


def peak_rss(figures):
    own = [f[1] for f in figures]
    if all(o is not None for o in own):
        return max(own), True
    return max(f[2] for f in figures), False


def fmt_seconds(value):
    return "%.2f s" % value if value >= 0.1 else "%.0f ms" % (value * 1000)


def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    dovecot = subprocess.run(["dovecot", "--version"], capture_output=True, text=True).stdout.strip()
    return "%d x %s, Dovecot %s" % (os.cpu_count(), cpu, dovecot or "?")


def report(results, args, programs, work, both_ways=(), both_ways_size=(0, 0)):
    names = [name for name, _ in programs]
    lines = ["# interimap synchronisation benchmark", ""]
    lines.append("%s, %d round(s)%s; medians of wall time. ours = `%s`, reference = `%s`." % (
        time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), args.rounds,
        " (--quick: small sizes, targets not applicable)" if args.quick else "",
        dict(programs).get("ours", "-"), dict(programs).get("reference", "-")))
    lines.append("")
    lines.append("Machine: %s; stores on %s." % (machine(), filesystem(work)))
    if args.no_check:
        lines += ["", "**The stores were not checked after each phase (--no-check): "
                  "a fast time may be a run that skipped work.**"]
    lines.append("")
    for setup, prep, samples, floors in results:
        lines.append("## %s: %d mailboxes x %d messages (%.0f MB)" % (
            setup.title, setup.mailboxes, setup.per_mailbox, prep["bytes"] / 1e6))
        lines.append("")
        header = ["phase"] + names
        both = names == ["ours", "reference"]
        if both:
            header += ["speed-up", "target", "met"]
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + " --- |" * len(header))
        floor = statistics.median(f[0] for f in floors) if floors else None
        for phase in PHASES:
            medians = {n: statistics.median(f[0] for f in samples[n][phase]) for n in names}
            row = [phase] + [fmt_seconds(medians[n]) for n in names]
            if both:
                speed = medians["reference"] / medians["ours"]
                row.append("%.1fx" % speed)
                kind, value = setup.targets.get(phase, (None, None))
                if kind == "speed-up":
                    row += ["≥ %gx" % value, verdict(args, speed >= value)]
                elif kind == "information":
                    row += ["(for information: ≥ %gx)" % value,
                            "n/a" if args.quick else ("yes" if speed >= value else "no")]
                elif kind == "floor":
                    ratio = medians["ours"] / floor
                    row += ["≤ %d %% over floor (ours: %+.0f %%)" % (round((value - 1) * 100), (ratio - 1) * 100),
                            verdict(args, ratio <= value)]
                else:
                    row += ["", ""]
            lines.append("| " + " | ".join(row) + " |")
        lines.append("")
        if floor is not None:
            lines.append("- floor (Dovecot alone accepting the initial copy's appends, one pipelined "
                         "MULTIAPPEND session): %s; for information, the remote Dovecot alone serving "
                         "every message to one client (FETCH BODY.PEEK[]): %s" % (
                             fmt_seconds(floor), fmt_seconds(statistics.median(f[1] for f in floors))))
        def per_program(key):
            """'12 ms after ours, 14 ms after the reference'; None without samples."""
            parts = ["%s after %s" % (fmt_seconds(statistics.median(samples[n][key])),
                                      "ours" if n == "ours" else "the " + n)
                     for n in names if samples[n][key]]
            return ", ".join(parts) or None

        settled_floor, at_once_floor = per_program("no-op floor"), per_program("no-op, at once floor")
        if settled_floor and at_once_floor:
            lines.append("- no-op floor (Dovecot alone answering what a no-op asks: both `doveadm exec imap` "
                         "started at once, each answering ENABLE and one LIST-STATUS, measured right after "
                         "each program's no-op, same state): on settled stores %s; at once after the "
                         "initial copy %s" % (settled_floor, at_once_floor))
        lines.append("- no-op, at once: the same rerun right after the initial copy, for information; "
                     "the no-op, flags and new phases start on settled stores (the last change over a "
                     "second old, Dovecot's catching up with it done untimed: see tests/bench/README.md)")
        lines.append("- Dovecot catching up before the no-op (untimed, both stores at once): %s"
                     % per_program("no-op catching up"))
        for n in names:
            rss, own = peak_rss(samples[n]["initial"])
            mark = ""
            if n == "ours" and setup.name == "loopback":
                mark = " (target ≤ 16 MiB: %s)" % verdict(args, own and rss <= RSS_LIMIT_KIB)
            lines.append("- peak RSS of %s during the initial copy: %.1f MiB%s%s" % (
                n, rss / 1024, "" if own else " (wait4, includes tunnel children)", mark))
        lines.append("- setup: content generated in %.1f s, remote store filled in %.1f s" % (
            prep["generate"], prep["fill"]))
        lines.append("- every round, seconds: " + "; ".join(
            "%s %s %s" % (n, phase, "/".join("%.2f" % f[0] for f in samples[n][phase]))
            for n in names for phase in PHASES))
        lines.append("")
    if both_ways:
        lines.append("## Copies both ways at once (loopback, one run each)")
        lines.append("")
        lines.append("| case | " + " | ".join(names) + " |")
        lines.append("|" + " --- |" * (len(names) + 1))
        for case in dict.fromkeys(c for c, *_ in both_ways):
            cells = {n: "%.1f MiB%s, %.2f s" % (kib / 1024, "" if own else " (with children)", seconds)
                     for c, n, seconds, kib, own in both_ways if c == case}
            lines.append("| %s | %s |" % (case, " | ".join(cells.get(n, "-") for n in names)))
        lines.append("")
        lines.append("Peak RSS and wall time of each program; %d new messages on each side, %.0f MB "
                     "in all, checked after the run." % (both_ways_size[0], both_ways_size[1] / 1e6))
        lines.append("")
    lines.append("Reproduce: `%s`" % reproduce_command(args))
    return "\n".join(lines) + "\n"


def verdict(args, ok):
    if args.quick:
        return "n/a"
    return "yes" if ok else "**no**"


def reproduce_command(args):
    parts = ["tests/bench/run.sh"]
    if args.rounds != 3:
        parts.append("--rounds %d" % args.rounds)
    if args.quick:
        parts.append("--quick")
    if args.setup:
        parts.append("--setup " + args.setup)
    if args.only:
        parts.append("--only " + args.only)
    if args.no_check:
        parts.append("--no-check")
    return " ".join(parts)


def estimate(args, programs):
    """A rough run time in seconds, from Debian's interimap on a 2-core machine
    with the stores on tmpfs (our program is counted as slow as it)."""
    total = 0.0
    for setup in setups(args.quick):
        if args.setup not in (None, setup.name):
            continue
        n = setup.messages
        total += 0.5 + n * 0.0001  # generating and filling the remote store
        per_round = 0.4 + n * 0.00008 if setup.measure_floor else 0.0
        for _ in programs:
            per_round += 0.5 + n * 0.0002  # restoring, changing and checking the stores
            per_round += 1.5 * len(SETTLED_PHASES)  # settling them
            per_round += 0.5 + n * 0.0001  # the no-op at once, and checking after it
            if setup.delay_ms:
                per_round += 0.9 + n * 0.0006 + setup.mailboxes * 0.52
            else:
                per_round += 0.4 + n * 0.00019
        total += per_round * args.rounds
    return total


def default_workdir():
    """tmpfs when there is room: on a disk, fsync and write-back make the
    times of Dovecot's maildir appends vary by a factor of 2 or 3 from one run
    to the next, which would drown the programs' own differences."""
    try:
        fs = os.statvfs("/dev/shm")
        if fs.f_bavail * fs.f_frsize >= 4 << 30 and os.access("/dev/shm", os.W_OK):
            return "/dev/shm/interimap-bench"
    except OSError:
        pass
    return "/tmp/interimap-bench"


def filesystem(path):
    result = subprocess.run(["stat", "-f", "-c", "%T", path], capture_output=True, text=True)
    return result.stdout.strip() or "?"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="small sizes, a smoke run")
    parser.add_argument("--setup", choices=["loopback", "away"], help="only this setup")
    parser.add_argument("--only", choices=["ours", "reference"], help="only this program")
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--ours", default=os.environ.get("OURS", "build/bin/interimap"))
    parser.add_argument("--reference", default=os.environ.get("REFERENCE", "/usr/bin/interimap"))
    parser.add_argument("--workdir", default=os.environ.get("BENCH_WORKDIR", default_workdir()),
                        help="where the stores live (default: on tmpfs, /dev/shm, when it has room)")
    parser.add_argument("--output", default=os.path.join(HERE, "results", "latest.md"))
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--no-check", action="store_true",
                        help="do not check the stores after each phase (while the sync engine is incomplete)")
    args = parser.parse_args()
    bench = Bench(args)
    for name, path in bench.programs:
        if not os.access(path, os.X_OK):
            sys.exit("%s: %s is not an executable (set OURS= or REFERENCE=)" % (name, path))
    if os.path.exists(bench.work):
        subprocess.run(["rm", "-rf", bench.work], check=True)
    os.makedirs(bench.work)
    os.chmod(bench.work, 0o755)
    log("work directory: %s (%s)" % (bench.work, filesystem(bench.work)))
    log("expected run time: about %.0f s" % estimate(args, bench.programs))
    started = time.monotonic()
    try:
        results = bench.run()
    except (Failure, imapclient.ImapError) as problem:
        sys.exit("benchmark failed: %s (work directory kept: %s)" % (problem, bench.work))
    text = report(results, args, bench.programs, bench.work, bench.both_ways_results,
                  bench.both_ways_size)
    text += "\nTotal benchmark time: %.0f s.\n" % (time.monotonic() - started)
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, "w") as out:
        out.write(text)
    print(text, end="")
    if not args.keep:
        subprocess.run(["rm", "-rf", bench.work], check=True)


if __name__ == "__main__":
    main()
