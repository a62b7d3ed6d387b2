#!/bin/bash
# --watch: one session (one login per server) synchronises round after
# round, each round picking up what changed since the last; a round that
# fails because a server went away (here: its IMAP process is killed, and
# its tunnel command then fails) is logged and a new session connects
# again, while a configuration error still stops at once.
. "$(dirname "$0")/lib.sh"

new_store local / maildir
new_store remote . maildir
flag="$WORKDIR/remote-down"
write_config "$WORKDIR/watch.conf" "database = $WORKDIR/watch.db"
# Each tunnel records its process (the IMAP server it becomes) when it
# starts; the remote "server" fails while the flag file exists.
sed -i "/^\[local\]$/,/^\[remote\]$/s|^command = \(.*\)|command = sh -c 'echo \$\$ >>$WORKDIR/local.pids; exec \1'|" "$WORKDIR/watch.conf"
sed -i "/^\[remote\]$/,\$s|^command = \(.*\)|command = sh -c 'echo \$\$ >>$WORKDIR/remote.pids; test -e $flag \&\& exit 1; exec \1'|" "$WORKDIR/watch.conf"

"$INTERIMAP" --config="$WORKDIR/watch.conf" --watch=1 --debug >"$WORKDIR/watch.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; '"$(trap -p EXIT | sed "s/^trap -- '//; s/' EXIT$//")" EXIT

count_local() { doveadm_on local search mailbox INBOX all 2>/dev/null | wc -l; }
local_has() { [ "$(count_local)" = "$1" ]; }
remote_flags() { doveadm_on remote fetch flags mailbox INBOX all 2>/dev/null | tr '\n' ' '; }
starts() { wc -l <"$WORKDIR/$1.pids"; }
log() { cat "$WORKDIR/watch.log"; }

add_message remote INBOX "first"
wait_for 10 local_has 1 || fail "first message not copied: $(log)"

# Changes made between rounds are synchronised by the same session: a new
# message in each of two more rounds, then a flag set on the local side.
add_message remote INBOX "second"
wait_for 10 local_has 2 || fail "second message not copied: $(log)"
add_message remote INBOX "third"
wait_for 10 local_has 3 || fail "third message not copied: $(log)"
doveadm_on local flags add '\Flagged' mailbox INBOX all
has_flag() { grep -q Flagged <<<"$(remote_flags)"; }
wait_for 10 has_flag || fail "flag not synchronised: $(remote_flags) $(log)"
assert_eq "$(starts local)" 1 "local sessions (tunnels started)"
# Only INBOX is listed: the delimiter is asked for once per session, not
# again at every round's LIST.
for side in local remote; do
    assert_eq "$(grep -cE "^$side: C: [0-9]+ LIST \"\" \"\"\$" "$WORKDIR/watch.log")" 1 \
        "$side delimiter queries in one session"
done
assert_eq "$(starts remote)" 1 "remote sessions (tunnels started)"
assert_not_contains "$(log)" "IMAP traffic" "a session ended"
kill -0 "$(tail -n 1 "$WORKDIR/remote.pids")" || fail "the remote IMAP process is gone"

# The remote server goes away and stays away for a while.
touch "$flag"
kill "$(tail -n 1 "$WORKDIR/remote.pids")"
wait_for 10 grep -q "remote: ERROR: " "$WORKDIR/watch.log" || fail "no failed round logged: $(log)"
wait_for 10 grep -q "exited with status 1" "$WORKDIR/watch.log" || fail "no failed reconnection logged: $(log)"
kill -0 $pid 2>/dev/null || fail "interimap --watch exited after a lost server: $(log)"

rm -f "$flag"
add_message remote INBOX "fourth"
wait_for 10 local_has 4 || fail "fourth message not copied after the server came back: $(log)"
kill -0 $pid 2>/dev/null || fail "interimap --watch is gone"
[ "$(starts local)" -ge 2 ] || fail "the local server was not connected again after the failure"

kill $pid
wait $pid 2>/dev/null || true
echo "watch: ok"
