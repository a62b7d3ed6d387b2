#!/bin/bash
# --watch: synchronises again and again; a round that fails because a server
# went away (here: its tunnel command exits) is logged and the next round
# connects again, while a configuration error still stops at once.
. "$(dirname "$0")/lib.sh"

new_store local / maildir
new_store remote . maildir
flag="$WORKDIR/remote-down"
write_config "$WORKDIR/watch.conf" "database = $WORKDIR/watch.db"
# The remote "server" fails while the flag file exists.
sed -i "/^\[remote\]$/,\$s|^command = \(.*\)|command = sh -c 'test -e $flag \&\& exit 1; exec \1'|" "$WORKDIR/watch.conf"

"$INTERIMAP" --config="$WORKDIR/watch.conf" --watch=1 >"$WORKDIR/watch.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; '"$(trap -p EXIT | sed "s/^trap -- '//; s/' EXIT$//")" EXIT

wait_for() { # wait_for SECONDS COMMAND...: until COMMAND succeeds
    local deadline=$((SECONDS + $1)); shift
    until "$@"; do
        [ $SECONDS -lt $deadline ] || return 1
        sleep 0.2
    done
}
count_local() { doveadm_on local search mailbox INBOX all 2>/dev/null | wc -l; }
local_has() { [ "$(count_local)" = "$1" ]; }

add_message remote INBOX "first"
wait_for 10 local_has 1 || fail "first message not copied: $(cat "$WORKDIR/watch.log")"

touch "$flag"
wait_for 10 grep -q "remote: ERROR: " "$WORKDIR/watch.log" || fail "no failed round logged: $(cat "$WORKDIR/watch.log")"
kill -0 $pid 2>/dev/null || fail "interimap --watch exited after a lost server: $(cat "$WORKDIR/watch.log")"

rm -f "$flag"
add_message remote INBOX "second"
wait_for 10 local_has 2 || fail "second message not copied after the server came back: $(cat "$WORKDIR/watch.log")"
kill -0 $pid 2>/dev/null || fail "interimap --watch is gone"

kill $pid
wait $pid 2>/dev/null || true
assert_contains "$(cat "$WORKDIR/watch.log")" "exited with status 1"
echo "watch: ok"
