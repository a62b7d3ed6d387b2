#!/bin/bash
# --repair after damage a normal run cannot see (changes hidden by raising the
# HIGHESTMODSEQ recorded in the database, mapping rows deleted): each anomaly
# is reported, then fixed by a full synchronisation. As the manual warns, a
# message found on a server but not in the database is copied to the other
# server, so each deleted mapping row yields one duplicate on each side.
# --repair MAILBOX considers that mailbox only; a second --repair is quiet.
. "$(dirname "$0")/lib_sync.sh"

new_pair / .
append_message remote INBOX "offset" "01-Jan-2020 00:00:00 +0000" ''
for i in 1 2 3 4 5 6 7 8; do append_message local INBOX "m$i" "0$i-Feb-2022 12:00:00 +0000" ''; done
create_mailbox local Other
append_messages local Other 3 "other"
sync_ok
assert_same_content 12
idx=$(mailbox_idx INBOX)
oidx=$(mailbox_idx Other)
l() { uid_of local INBOX "m$1"; }
r() { uid_of remote INBOX "m$1"; }
l2=$(l 2) l3=$(l 3) l4=$(l 4) l5=$(l 5) l6=$(l 6) r2=$(r 2) r3=$(r 3) r4=$(r 4) r5=$(r 5) r6=$(r 6)
[ "$l2" != "$r2" ] || fail "UIDs should differ between the stores"

# hide_changes STORE MAILBOX: record the store's current HIGHESTMODSEQ in the
# database, so that a normal run sees no change there.
hide_changes() {
    local hms
    hms=$(doveadm_on "$1" -f flow mailbox status highestmodseq "$(mbx "$1" "$2")" | sed 's/.*highestmodseq=//')
    db_query "$DB" "UPDATE $1 SET HIGHESTMODSEQ = $hms WHERE idx = $(mailbox_idx "$2")"
}

# The damage.
db_query "$DB" "DELETE FROM mapping WHERE idx = $idx AND lUID IN ($l2, $l3)"  # forgotten pairs
add_flags local INBOX "$l4" '\Seen'                                           # missed flag update
expunge_uid local INBOX "$l5"                                                 # missed expunge, one side
expunge_uid local INBOX "$l6"                                                 # missed expunge, both sides
expunge_uid remote INBOX "$r6"
hide_changes local INBOX
hide_changes remote INBOX
db_query "$DB" "DELETE FROM mapping WHERE idx = $oidx AND lUID = 2"

# A normal run does not see any of it.
before=$(snapshot)
sync_ok
assert_eq "$(message_lines)" "" "normal run on hidden damage"
assert_eq "$(snapshot)" "$before" "normal run on hidden damage changed something"

# --repair INBOX: every anomaly of INBOX, and nothing about Other.
sync_ok --repair INBOX
assert_contains "$OUT" "WARNING: Missed flag update in INBOX for (lUID,rUID) = ($l4,$r4). Repairing."
assert_contains "$OUT" "WARNING: Conflicting flag update in INBOX for local UID $l4 (\\Seen) and remote UID $r4 (). Setting both to the union (\\Seen)."
assert_contains "$OUT" "remote(INBOX): Updated flags (\\Seen) for UID $r4"
assert_contains "$OUT" "local(INBOX): WARNING: UID $l5 disappeared. Redownloading remote UID $r5."
assert_contains "$OUT" "WARNING: Pair (lUID,rUID) = ($l6,$r6) vanished from INBOX. Repairing."
assert_contains "$OUT" "remote(INBOX): WARNING: No match for modified local UID $l2. Redownloading."
assert_contains "$OUT" "remote(INBOX): WARNING: No match for modified local UID $l3. Redownloading."
assert_contains "$OUT" "local(INBOX): WARNING: No match for modified remote UID $r2. Redownloading."
assert_contains "$OUT" "local(INBOX): WARNING: No match for modified remote UID $r3. Redownloading."
assert_contains "$OUT" "local(INBOX): UID $l2 from <sender@example.org> (02-Feb-2022 12:00:00 +0000)"
assert_contains "$OUT" "remote(INBOX): UID $r5 from <sender@example.org> (05-Feb-2022 12:00:00 +0000)"
assert_contains "$OUT" "remote(INBOX): Added 2 UID(s) $l2:$l3 -> 10:11"
assert_contains "$OUT" "local(INBOX): Added 3 UID(s) 10:12 <- $r2:$r3,$r5"
assert_eq "$(grep -c WARNING <<<"$OUT")" 8 "warnings of --repair INBOX"
assert_not_contains "$OUT" "Other"

# m2 and m3 are now twice in each INBOX; m5 is back; m6 is gone.
assert_eq "$(count_messages local INBOX)" 10
assert_eq "$(count_messages remote INBOX)" 10
assert_eq "$(count_duplicates local)" 2 "duplicates in the local store"
assert_eq "$(count_duplicates remote)" 2 "duplicates in the remote store"
assert_eq "$(flags_of remote INBOX "$r4")" '\Seen'
assert_eq "$(doveadm_on local search mailbox INBOX header Subject m5 | wc -l)" 1 "m5 back in the local INBOX"
assert_eq "$(doveadm_on remote search mailbox INBOX header Subject m6 | wc -l)" 0 "m6 in the remote INBOX"
assert_eq "$(mapping_count INBOX)" 10
assert_eq "$(mapping_count Other)" 2 "Other left alone"

# --repair Other: the forgotten pair is copied both ways.
sync_ok --repair Other
assert_contains "$OUT" "remote(Other): WARNING: No match for modified local UID 2. Redownloading."
assert_contains "$OUT" "local(Other): WARNING: No match for modified remote UID 2. Redownloading."
assert_eq "$(count_messages local Other)" 4
assert_eq "$(count_messages remote Other)" 4
assert_eq "$(mapping_count Other)" 4
assert_same_content 14

# Nothing left to repair, nothing left to synchronise.
sync_ok --repair
assert_eq "$(message_lines)" "" "second --repair"
sync_ok
assert_eq "$(message_lines)" "" "run after --repair"
assert_same_content 14
echo "repair: ok"
