#!/bin/bash
# Exactly-once copies across kills (our promise; Debian's interimap 0.5.7
# does not keep it: in the runs made while writing this test it left 128 to
# 1,280 duplicates on each side, whole MULTIAPPEND batches of 128 copied
# again, and failed).
#
# 2,100 messages, 1,050 on each side in four mailboxes. interimap is killed
# with SIGKILL at 28 increasing random delays between 0.05 s and 3 s, each
# run continuing from what the previous one left; then one run goes
# uninterrupted. It must exit 0 and leave each mailbox with exactly the
# expected number of messages on both sides (no duplicate, no loss) and the
# same contents. Phase 2 then removes a third of each mailbox (on the local
# side for two, on the remote for the others) and flags a quarter of two on
# the remote, kills 8 runs at random points of propagating that (UID STOREs
# and EXPUNGEs cut in flight included), and checks the same after one more
# run: every removal on both sides, nothing else gone or back.
#
# The remote tunnel is throttled (a relay at 14 kB/s, a slow link). Every
# message crosses it once, so copying them all needs about 35 s of transfer
# whatever the engine, while the 20 shortest kills leave the runs about 22 s
# (less each run's start-up): even an engine that loses nothing to a kill is
# still copying at the 20th kill. The kills land at different points of the
# work (fetches, appends, database commits), and at least 20 runs must have
# been killed rather than completed.
# Only interimap is killed; the server side of each tunnel sees the
# connection close, as it would if the client machine died, and the next run
# starts once it has gone.
. "$(dirname "$0")/lib_sync.sh"

RATE=14000
ATTEMPTS=28
MIN_KILLS=20

cat > "$WORKDIR/throttle.pl" <<'PERL'
# throttle.pl RATE COMMAND...: run COMMAND, relaying our stdin to it and its
# stdout to ours at RATE bytes per second (both directions together). Full
# duplex with buffers, as a real link: a client pipelining in both directions
# at once (APPEND going up while FETCH comes down) must not deadlock it.
use strict; use warnings;
use IPC::Open2; use IO::Select; use Time::HiRes qw(sleep); use Fcntl;
my $rate = shift;
$SIG{PIPE} = 'IGNORE';
my $pid = open2(my $from_child, my $to_child, @ARGV);
for my $fh (\*STDOUT, $to_child) {
    my $flags = fcntl($fh, F_GETFL, 0);
    fcntl($fh, F_SETFL, $flags | O_NONBLOCK);
}
my ($up, $down) = ('', '');          # to the command, to our stdout
my ($stdin_open, $child_open) = (1, 1);
while (1) {
    my $r = IO::Select->new;
    my $w = IO::Select->new;
    $r->add(\*STDIN) if $stdin_open && length($up) < 65536;
    $r->add($from_child) if $child_open && length($down) < 65536;
    $w->add($to_child) if defined $to_child && length $up;
    $w->add(\*STDOUT) if length $down;
    last if !$r->count && !$w->count;
    my ($readable, $writable) = IO::Select->select($r, $w, undef);
    for my $fh (@{$readable // []}) {
        my $n = sysread($fh, my $chunk, 512);
        if (!$n) {
            if ($fh == $from_child) { $child_open = 0 } else { $stdin_open = 0 }
            next;
        }
        if ($fh == $from_child) { $down .= $chunk } else { $up .= $chunk }
        sleep($n / $rate);
    }
    for my $fh (@{$writable // []}) {
        my $buf = $fh == \*STDOUT ? \$down : \$up;
        my $n = syswrite($fh, $$buf);
        exit 0 unless defined $n;
        substr($$buf, 0, $n) = '';
    }
    if (!$stdin_open && defined $to_child && !length $up) {
        close $to_child;
        undef $to_child;
    }
    last if !$child_open && !length $down;
}
PERL

# Setup without fsync (seconds instead of a minute), then back to Dovecot's
# defaults for the runs.
new_pair / .
for store in local remote; do echo "mail_fsync = never" >> "$WORKDIR/$store/dovecot.conf"; done
create_mailbox local Work Lists
create_mailbox remote Archive Lists
append_messages local INBOX 500 "local inbox"
append_messages local Work 400 "work"
append_messages local Lists 150 "local lists"
append_messages remote INBOX 450 "remote inbox"
append_messages remote Archive 400 "archive"
append_messages remote Lists 200 "remote lists"
for store in local remote; do sed -i '/^mail_fsync = never$/d' "$WORKDIR/$store/dovecot.conf"; done
sed -i "/^\[remote\]$/,\$s|^command = |command = perl $WORKDIR/throttle.pl $RATE |" "$CONF"
declare -A expected=([INBOX]=950 [Work]=400 [Archive]=400 [Lists]=350)

# run_killed DELAY: one run, killed after DELAY seconds unless it ended
# before; prints its exit status (137 when killed). The run gets its own
# process group, so that we can wait for its tunnels to go.
run_killed() {
    local pid pgid status waited=0
    setsid "$INTERIMAP" --config="$CONF" ${RUN_ARGS:-} >>"$WORKDIR/runs.log" 2>&1 &
    pid=$!
    # The delay counts from the moment the run has its own process group (on
    # a loaded machine the shell's child may take a while to get there).
    until pgid=$(ps -o pgid= -p "$pid" | tr -d " "); [ -z "$pgid" ] || [ "$pgid" = "$pid" ]; do
        sleep 0.01
        waited=$((waited + 1))
        [ "$waited" -lt 1000 ] || fail "setsid did not make the run a process group of its own"
    done
    waited=0
    sleep "$1"
    kill -KILL "$pid" 2>/dev/null || true
    status=0
    wait "$pid" 2>/dev/null || status=$?
    # (Zombies do not count: they wait for init to reap them. Nothing left
    # at all is an empty line here, which must end the loop too.)
    while grep -q '^ *[^Z ]' <<<"$(ps -o stat= -g "$pid")"; do
        sleep 0.05
        waited=$((waited + 1))
        [ "$waited" -lt 400 ] || fail "the tunnels of a killed run are still there after 20 s"
    done
    echo "$status"
}

kills=0 completed=0
for delay in $(perl -e 'printf "%.2f\n", $_ for sort { $a <=> $b } map { 0.05 + rand 2.95 } 1..shift' "$ATTEMPTS"); do
    echo "== run killed after $delay s" >>"$WORKDIR/runs.log"
    status=$(run_killed "$delay")
    case $status in
        137) kills=$((kills + 1)) ;;
        0) completed=$((completed + 1)) ;;
        *) fail "a run to be killed after $delay s exited $status on its own: $(tail -5 "$WORKDIR/runs.log")" ;;
    esac
done

sync_ok
summary="$kills runs killed, $completed completed before their kill"
for store in local remote; do
    summary+="; $store: $(total_messages $store) messages, $(count_duplicates $store) duplicates ("
    for box in INBOX Work Archive Lists; do summary+="$box $(count_messages $store $box) "; done
    summary="${summary% })"
done
echo "$summary"

for box in INBOX Work Archive Lists; do
    assert_eq "$(count_messages local $box)" "${expected[$box]}" "messages in local $box"
    assert_eq "$(count_messages remote $box)" "${expected[$box]}" "messages in remote $box"
done
assert_same_content 2100
assert_eq "$(mapping_count)" 2100 "mapping rows"
[ "$kills" -ge "$MIN_KILLS" ] || fail "only $kills runs were killed in the middle of the work (at least $MIN_KILLS wanted)"
sync_ok
assert_eq "$(message_lines)" "" "run after the final one logs about messages"
echo "kill exactly once: ok"

# Phase 2: kills while removals and flag changes flow. Every third message
# of INBOX and Work goes on the local side, of Archive and Lists on the
# remote one; the remote flags every fourth message of INBOX and Archive.
# Runs are killed at random points of propagating that (their --debug
# transcripts show where); then one run completes. A message removed on one
# side must be gone from both, whatever the kills interrupted, and nothing
# else may go or come back.
every_third() { doveadm_on "$1" -f flow fetch uid mailbox "$(mbx "$1" "$2")" ALL | sed 's/^uid=//' | sort -n | awk 'NR % 3 == 0' | paste -sd,; }
every_fourth() { doveadm_on "$1" -f flow fetch uid mailbox "$(mbx "$1" "$2")" ALL | sed 's/^uid=//' | sort -n | awk 'NR % 4 == 0' | paste -sd,; }
for box in INBOX Work; do doveadm_on local expunge mailbox "$box" uid "$(every_third local "$box")"; done
for box in Archive Lists; do doveadm_on remote expunge mailbox "$(mbx remote "$box")" uid "$(every_third remote "$box")"; done
for box in INBOX Archive; do doveadm_on remote flags add '\Flagged' mailbox "$(mbx remote "$box")" uid "$(every_fourth remote "$box")"; done
for box in INBOX Work; do expected[$box]=$(count_messages local "$box"); done
for box in Archive Lists; do expected[$box]=$(count_messages remote "$box"); done
total=$((expected[INBOX] + expected[Work] + expected[Archive] + expected[Lists]))

: >"$WORKDIR/runs.log"
removal_kills=0
for delay in $(perl -e 'printf "%.2f\n", $_ for sort { $a <=> $b } map { 0.05 + rand 1.2 } 1..8'); do
    echo "== run killed after $delay s" >>"$WORKDIR/runs.log"
    status=$(RUN_ARGS=--debug run_killed "$delay")
    [ "$status" = 137 ] && removal_kills=$((removal_kills + 1))
done
# Kills between a UID EXPUNGE and its answer: the server may or may not
# have run it when the connection went.
cut_expunges=$(perl -ne '
    if (/^== run/) { $n += keys %open; %open = (); next }
    if (/^(\w+): C: (\d+) UID EXPUNGE /) { $open{"$1 $2"} = 1; next }
    if (/^(\w+): S: (\d+) /) { delete $open{"$1 $2"} }
    END { print $n + keys %open }' "$WORKDIR/runs.log")
sync_ok
echo "removals: $removal_kills runs killed, $cut_expunges UID EXPUNGE(s) cut by a kill"
for box in INBOX Work Archive Lists; do
    assert_eq "$(count_messages local $box)" "${expected[$box]}" "messages in local $box after the removals"
    assert_eq "$(count_messages remote $box)" "${expected[$box]}" "messages in remote $box after the removals"
done
assert_same_content "$total"
assert_eq "$(mapping_count)" "$total" "mapping rows after the removals"
assert_eq "$(doveadm_on local search mailbox '*' DELETED | wc -l)" 0 "local messages left marked \\Deleted"
assert_eq "$(doveadm_on remote search mailbox '*' DELETED | wc -l)" 0 "remote messages left marked \\Deleted"
sync_ok
assert_eq "$(message_lines)" "" "run after the removals logs about messages"
echo "kill during removals: ok"
