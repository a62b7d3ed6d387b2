#!/bin/bash
# --notify: NOTIFY (RFC 5465) makes both servers report changes as they
# happen, on the one session each that the watch keeps: changes are
# synchronised within seconds although the interval (--watch=60: NOOP after
# a minute of silence) is long. SIGTERM ends it with status 0 and the
# traffic summary, as the reference. LIST-STATUS is not needed; a server
# without NOTIFY is refused by name, before anything changes.
. "$(dirname "$0")/lib.sh"

new_store local / maildir
new_store remote . maildir
# Dovecot looks for changes to report every 30 seconds by default.
for store in local remote; do
    echo "mailbox_idle_check_interval = 1 secs" >>"$WORKDIR/$store/dovecot.conf"
done

# count STORE MAILBOX: its messages; nothing, and failure, if it does not exist.
count() {
    local found
    found=$(doveadm_on "$1" search mailbox "$2" all 2>/dev/null) || return 1
    grep -c . <<<"$found" || true
}
has() { [ "$(count "$1" "$2")" = "$3" ]; }
flags() { doveadm_on "$1" fetch flags mailbox "$2" all 2>/dev/null | tr '\n' ' '; }
flagged() { grep -q Flagged <<<"$(flags "$1" "$2")"; }
starts() { wc -l <"$WORKDIR/$1.pids"; }

# The tunnels record their processes as they start.
write_config "$WORKDIR/notify.conf" "database = $WORKDIR/notify.db"
sed -i "s|^command = \(.*\) -c $WORKDIR/\([a-z]*\)/dovecot.conf exec imap$|command = sh -c 'echo \$\$ >>$WORKDIR/\2.pids; exec \1 -c $WORKDIR/\2/dovecot.conf exec imap'|" \
    "$WORKDIR/notify.conf"
doveadm_on local mailbox create Sent
add_message remote INBOX "first"

"$INTERIMAP" --config="$WORKDIR/notify.conf" --notify --watch=60 >"$WORKDIR/notify.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; '"$(trap -p EXIT | sed "s/^trap -- '//; s/' EXIT$//")" EXIT
log() { cat "$WORKDIR/notify.log"; }

wait_for 10 has local INBOX 1 || fail "first round: message not copied: $(log)"
wait_for 10 has remote Sent 0 || fail "first round: Sent not created: $(log)"

# Reported by the servers, not found by polling: each within seconds.
add_message remote INBOX "second"
wait_for 10 has local INBOX 2 || fail "new remote message not copied: $(log)"
add_message local Sent "sent"
wait_for 10 has remote Sent 1 || fail "new local message not copied: $(log)"
doveadm_on remote flags add '\Flagged' mailbox INBOX all
wait_for 10 flagged local INBOX || fail "flag change not synchronised: $(flags local INBOX) $(log)"
doveadm_on local expunge mailbox Sent all
wait_for 10 has remote Sent 0 || fail "expunge not synchronised: $(log)"

assert_eq "$(starts local)" 1 "local sessions (tunnels started)"
assert_eq "$(starts remote)" 1 "remote sessions (tunnels started)"
assert_not_contains "$(log)" "IMAP traffic" "a session ended"

kill -TERM $pid
status=0
wait $pid || status=$?
assert_eq "$status" 0 "exit status after SIGTERM"
assert_contains "$(log)" "local: IMAP traffic (bytes): recv "
assert_contains "$(log)" "remote: IMAP traffic (bytes): recv "
assert_not_contains "$(log)" "ERROR"

filter_capability() { # filter_capability CONFIG SIDE CAPABILITY: the server hides it
    sed -i "/^\[$2\]$/,/^\[/s|^command = \(.*\)$|command = sh -c \"\1 \| sed -u 's/ $3//g'\"|" "$1"
}

# Without UNSELECT, a round leaves a mailbox selected: changes to it come as
# EXISTS, FETCH or VANISHED instead of STATUS, and are synchronised too.
# Dovecot 2.3 may keep those to itself until the next command (seen after
# a STATUS event about the mailbox before it was selected): the NOOP after
# an interval of silence brings them, hence a short one here.
write_config "$WORKDIR/nounselect.conf" "database = $WORKDIR/notify.db"
filter_capability "$WORKDIR/nounselect.conf" remote UNSELECT
"$INTERIMAP" --config="$WORKDIR/nounselect.conf" --notify --watch=2 --debug >"$WORKDIR/nounselect.log" 2>&1 &
pid=$!
log() { cat "$WORKDIR/nounselect.log"; }
wait_for 10 grep -q "NOTIFY completed" "$WORKDIR/nounselect.log" || fail "no NOTIFY: $(log)"
add_message remote INBOX "third"
wait_for 10 has local INBOX 3 || fail "without UNSELECT: first message not copied: $(log)"
add_message remote INBOX "fourth"
wait_for 10 has local INBOX 4 || fail "without UNSELECT: message to the selected mailbox not copied: $(log)"
doveadm_on remote flags remove '\Flagged' mailbox INBOX all
unflagged() { ! flagged local INBOX; }
wait_for 10 unflagged || fail "without UNSELECT: flags of the selected mailbox not synchronised: $(log)"
add_message remote Sent "sent again"
wait_for 10 has local Sent 1 || fail "without UNSELECT: message to another mailbox not copied: $(log)"
kill -TERM $pid
wait $pid || fail "without UNSELECT: exit status $?: $(log)"
grep -q "C: [0-9]* UNSELECT" "$WORKDIR/nounselect.log" && fail "UNSELECT sent to a server without it"

# Servers without LIST-STATUS do for --notify, not for a plain run.
write_config "$WORKDIR/nostatus.conf" "database = $WORKDIR/notify.db"
filter_capability "$WORKDIR/nostatus.conf" local LIST-STATUS
filter_capability "$WORKDIR/nostatus.conf" remote LIST-STATUS
out=$("$INTERIMAP" --config="$WORKDIR/nostatus.conf" 2>&1) && fail "a run without LIST-STATUS succeeded: $out"
assert_contains "$out" "Non LIST-STATUS-capable IMAP server."
add_message remote INBOX "fifth"
"$INTERIMAP" --config="$WORKDIR/nostatus.conf" --notify --watch=60 >"$WORKDIR/nostatus.log" 2>&1 &
pid=$!
wait_for 10 has local INBOX 5 || fail "--notify without LIST-STATUS: $(cat "$WORKDIR/nostatus.log")"
kill -TERM $pid
wait $pid || fail "--notify without LIST-STATUS: exit status $?: $(cat "$WORKDIR/nostatus.log")"

# A server without NOTIFY: refused by name, before the mailbox lists are
# reconciled (the reference refuses it once they are).
write_config "$WORKDIR/nonotify.conf" "database = $WORKDIR/notify.db"
filter_capability "$WORKDIR/nonotify.conf" remote NOTIFY
doveadm_on local mailbox create Drafts
status=0
out=$("$INTERIMAP" --config="$WORKDIR/nonotify.conf" --notify 2>&1) || status=$?
assert_eq "$status" 1 "exit status without NOTIFY"
assert_contains "$out" "remote: ERROR: Server did not advertise NOTIFY (RFC 5465) capability."
assert_not_contains "$(mailboxes remote)" "Drafts" "a mailbox created before the refusal"
echo "notify: ok"
