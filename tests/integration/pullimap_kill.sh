#!/bin/bash
# Exactly once, whatever instant pullimap dies at: a pull of 600 messages
# through Dovecot's LMTP (pipelined) is killed with SIGKILL at 10 to 12 random
# instants (during the FETCH, between a delivery and its record, during the
# \Seen STORE...); a last run completes it. Every message is then delivered
# exactly once, the statefile is back to 8 bytes with the right UIDNEXT, and
# every message is \Seen. (Debian's pullimap 0.5.7 delivers one or two
# messages twice in the same situation: it records a UID only after its
# delivery has been fully read back, one message at a time.)
. "$(dirname "$0")/lib.sh"
: "${PULLIMAP:?PULLIMAP must point to the pullimap binary}"
[ "$(id -u)" = 0 ] || fail "this test starts a Dovecot daemon and must run as root"

count=600
new_store remote
mkdir -p "$WORKDIR/messages"
for i in $(seq 1 $count); do
    {
        printf 'From: sender@example.org\nTo: alice@example.net\nSubject: message %s\nMessage-ID: <m%s@test>\n\n' "$i" "$i"
        head -c 6000 /dev/urandom | base64 -w 76
    } > "$WORKDIR/messages/$i"
done
(for i in $(seq 1 $count); do doveadm_on remote save -m INBOX < "$WORKDIR/messages/$i" || exit 1; done) ||
    fail "could not fill the store"
start_lmtp_daemon lmtpd
pullimap_config acct "deliver-method = lmtp:[127.0.0.1]:$lmtp_port" "deliver-rcpt = alice"

# No pullimap left: a killed one's delivery guardian (see
# delivery_guardian.hpp) has recorded what the server accepted, and exited.
none_running() { ! pgrep -f -- "$PULLIMAP --quiet acct" >"$WORKDIR/pgrep.out"; }

kills=0
for attempt in $(seq 1 30); do
    "$PULLIMAP" --quiet acct > "$WORKDIR/run.log" 2>&1 &
    pid=$!
    sleep "$(printf "0.%02d" $((RANDOM % 12 + 6)))"
    if kill -KILL "$pid" 2>/dev/null; then
        kills=$((kills + 1))
    fi
    wait "$pid" 2>/dev/null || true
    wait_for 60 none_running || fail "a guardian outlived its pullimap by a minute"
    delivered=$(lmtp_files lmtpd | wc -l)
    size=$(stat -c %s "$XDG_DATA_HOME/pullimap/acct" 2>/dev/null || echo 0)
    echo "run $attempt: $delivered delivered, statefile $size bytes"
    # Between runs, every message delivered is in the statefile: either
    # below its UIDNEXT (a finished pull) or in its tail.
    if [ "$size" -gt 8 ]; then
        assert_eq "$(( (size - 8) / 4 ))" "$delivered" "UIDs recorded after run $attempt"
    fi
    [ $kills -lt 12 ] && [ "$delivered" -lt $count ] || break
done
[ $kills -ge 10 ] || fail "only $kills runs were killed before the end: make the pull longer"

out=$("$PULLIMAP" acct 2>&1) || fail "last run failed: $out"
assert_eq "$(lmtp_files lmtpd | wc -l)" $count "messages delivered"
ids=$(lmtp_files lmtpd | xargs grep -h '^Message-ID:' | sort -u | wc -l)
assert_eq "$ids" $count "distinct messages delivered"
uidvalidity=$(doveadm_on remote -f tab mailbox status uidvalidity INBOX | tail -1 | cut -f2)
assert_eq "$(statefile_words acct)" "$uidvalidity $((count + 1))" "statefile after the last run"
assert_eq "$(doveadm_on remote search -- mailbox INBOX SEEN | wc -l)" $count "messages \\Seen"
echo "OK ($kills kills)"
