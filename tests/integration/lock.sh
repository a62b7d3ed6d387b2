#!/bin/bash
# The database lock: while one instance runs, a second fails at once, before
# starting its tunnel commands, saying the database is locked; the same holds
# between our interimap and Debian's, in both directions.
. "$(dirname "$0")/lib.sh"

new_store local / maildir
new_store remote . maildir
db="$WORKDIR/state.db"
# The first instance's local tunnel marks that it started, then waits 8 s
# before serving. Both programs lock the database before they start a tunnel,
# so from the mark on the first instance holds the lock. A second instance
# that waited for the lock would take about 8 s; one that gives up at once
# takes well under 5 s even on a loaded machine (Perl's start-up included).
write_config "$WORKDIR/slow.conf" "database = $db"
sed -i "0,/^command = /s|^command = \(.*\)|command = sh -c 'touch $WORKDIR/started; sleep 8; exec \1'|" "$WORKDIR/slow.conf"
# The second instance's tunnel would leave a marker if it ever ran.
write_config "$WORKDIR/marker.conf" "database = $db"
sed -i "s|^command = \(.*\)|command = sh -c 'touch $WORKDIR/marker; exec \1'|" "$WORKDIR/marker.conf"

# check_second_fails FIRST_PROGRAM SECOND_PROGRAM EXPECTED_TEXT
check_second_fails() {
    local first=$1 second=$2 expected=$3
    rm -f "$WORKDIR/marker" "$WORKDIR/started"
    "$first" --config="$WORKDIR/slow.conf" >"$WORKDIR/first.log" 2>&1 &
    local pid=$!
    wait_for 30 test -e "$WORKDIR/started" ||
        fail "$first did not start its tunnel: $(cat "$WORKDIR/first.log")"
    local start end out status=0
    start=$(date +%s%N)
    out=$("$second" --config="$WORKDIR/marker.conf" 2>&1) || status=$?
    end=$(date +%s%N)
    [ "$status" -ne 0 ] || fail "$second ran while $first held the database: $out"
    assert_eq "$status" 11 "exit status of $second on a locked database (the reference's)"
    assert_contains "$out" "$expected"
    [ ! -e "$WORKDIR/marker" ] || fail "$second started a tunnel although the database was locked"
    [ $(( (end - start) / 1000000 )) -lt 5000 ] || fail "$second took too long to give up"
    wait "$pid" || fail "$first failed: $(cat "$WORKDIR/first.log")"
}

check_second_fails "$INTERIMAP" "$INTERIMAP" "locked"
check_second_fails "$INTERIMAP" interimap "database is locked"
check_second_fails interimap "$INTERIMAP" "locked"
out=$("$INTERIMAP" --config="$WORKDIR/marker.conf" 2>&1) || fail "run after the lock was released failed: $out"
echo "lock: ok"
