#!/bin/bash
# UIDs close to 2^32-1 and HIGHESTMODSEQs near and beyond 2^63: messages are
# copied both ways, flag changes and expunges on such UIDs flow, and the
# database keeps the exact values (a MODSEQ above 2^63 is stored as the
# 64-bit two's complement, as the reference does, so that either program can
# continue the other's database).
. "$(dirname "$0")/lib_sync.sh"

new_pair / .
create_mailbox local Big Huge
create_mailbox remote Big Huge
# set_counters STORE MAILBOX NEXT_UID HIGHESTMODSEQ (the status call first
# gives a fresh maildir its index, which "mailbox update" needs).
set_counters() {
    doveadm_on "$1" mailbox status uidvalidity "$(mbx "$1" "$2")" >/dev/null
    doveadm_on "$1" mailbox update --min-next-uid "$3" --min-highest-modseq "$4" "$(mbx "$1" "$2")"
}
set_counters local Big 4294967200 9223372036854774000   # 2^63 - 1808
set_counters remote Big 4294967100 9223372036854770000
set_counters local Huge 4294967000 18446744073709550000  # 2^64 - 1616
set_counters remote Huge 3000000000 18446744073709540000
append_messages local Big 5 "local big"
append_messages remote Big 4 "remote big"
append_messages local Huge 3 "local huge"
append_messages remote Huge 3 "remote huge"
sync_ok
assert_contains "$OUT" "local(Big): Added 4 UID(s) 4294967205:4294967208 <- 4294967100:4294967103"
assert_contains "$OUT" "remote(Big): Added 5 UID(s) 4294967200:4294967204 -> 4294967104:4294967108"
assert_contains "$OUT" "local(Huge): Added 3 UID(s) 4294967003:4294967005 <- 3000000000:3000000002"
assert_contains "$OUT" "remote(Huge): Added 3 UID(s) 4294967000:4294967002 -> 3000000003:3000000005"
assert_same_content 15
assert_eq "$(uids_of local Big)" "4294967200 4294967201 4294967202 4294967203 4294967204 4294967205 4294967206 4294967207 4294967208"
assert_eq "$(mapping_count Big)" 9
assert_eq "$(mapping_count Huge)" 6
assert_eq "$(db_query "$DB" "SELECT max(lUID) || ' ' || max(rUID) FROM mapping")" "4294967208 4294967108" "largest UIDs in the database"

# check_state STORE MAILBOX: the database holds the store's UIDNEXT and
# HIGHESTMODSEQ (read as unsigned 64 bits) for MAILBOX.
check_state() {
    local status db_next db_hms idx
    status=$(doveadm_on "$1" -f flow mailbox status 'uidnext highestmodseq' "$(mbx "$1" "$2")" | sed 's/^[^ ]* //')
    idx=$(mailbox_idx "$2")
    db_next=$(db_query "$DB" "SELECT UIDNEXT FROM $1 WHERE idx = $idx")
    db_hms=$(db_query "$DB" "SELECT HIGHESTMODSEQ FROM $1 WHERE idx = $idx")
    [[ $db_hms =~ ^-?[0-9]+$ ]] || fail "HIGHESTMODSEQ of $1 $2 is not stored as an integer: $db_hms"
    assert_eq "uidnext=$db_next highestmodseq=$(printf %u "$db_hms")" "$status" "state of $1 $2 in the database"
}
check_state local Big
check_state remote Big
check_state local Huge
check_state remote Huge

# Changes on high UIDs.
add_flags local Big 4294967202 '\Seen $Label1'
expunge_uid remote Big 4294967101
add_flags remote Huge 3000000001 '\Answered'
expunge_uid local Huge 4294967001
sync_ok
assert_contains "$OUT" "remote(Big): Updated flags (\$Label1 \\Seen) for UID 4294967106"
assert_contains "$OUT" "local(Big): Removed 1 UID(s) 4294967206"
assert_contains "$OUT" "local(Huge): Updated flags (\\Answered) for UID 4294967004"
assert_contains "$OUT" "remote(Huge): Removed 1 UID(s) 3000000004"
assert_same_content 13
check_state local Big
check_state remote Huge

# More messages on both sides, then nothing to do.
append_messages remote Huge 2 "late"
append_messages local Big 1 "late"
sync_ok
assert_contains "$OUT" "local(Huge): Added 2 UID(s) 4294967006:4294967007 <- 3000000006:3000000007"
assert_contains "$OUT" "remote(Big): Added 1 UID(s) 4294967209 -> 4294967109"
assert_same_content 16
check_state local Huge
check_state remote Big
sync_ok
assert_eq "$(message_lines)" "" "idle run logs about messages"
echo "large values: ok"
