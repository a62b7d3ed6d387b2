#!/bin/bash
# Expunges: a message expunged on one side is removed from the other (and
# from the database); expunged on both sides, nothing fails; expunged on one
# side while its flags changed on the other, the expunge wins.
. "$(dirname "$0")/lib_sync.sh"

new_pair / .
create_mailbox local Work Work/Sub
append_message remote INBOX "remote first" "01-Jan-2022 12:00:00 +0000" ''
for i in 1 2 3 4 5 6 7; do append_message local INBOX "m$i" "0$i-Feb-2022 12:00:00 +0000" ''; done
append_messages local Work/Sub 3 "nested"
sync_ok
assert_same_content 11
assert_eq "$(mapping_count INBOX)" 8

l() { uid_of local INBOX "$1"; }
r() { uid_of remote INBOX "$1"; }

# 1. Expunged locally: removed remotely.
r1=$(r m1)
expunge_uid local INBOX "$(l m1)"
sync_ok
assert_contains "$OUT" "remote(INBOX): Removed 1 UID(s) $r1"
assert_eq "$(count_messages remote INBOX)" 7
assert_eq "$(mapping_count INBOX)" 7
assert_same_content 10

# 2. Expunged remotely (two messages, one nested mailbox too): removed locally.
l2=$(l m2) l3=$(l m3)
expunge_uid remote INBOX "$(r m2)"
expunge_uid remote INBOX "$(r m3)"
expunge_uid remote Work/Sub 2
sync_ok
assert_contains "$OUT" "local(INBOX): Removed 2 UID(s) $l2:$l3"
assert_contains "$OUT" "local(Work/Sub): Removed 1 UID(s) 2"
assert_eq "$(count_messages local INBOX)" 5
assert_eq "$(mapping_count INBOX)" 5
assert_eq "$(mapping_count Work/Sub)" 2
assert_same_content 7

# 3. Expunged on both sides: nothing to remove, no warning, mapping gone.
expunge_uid local INBOX "$(l m4)"
expunge_uid remote INBOX "$(r m4)"
sync_ok
assert_not_contains "$OUT" "Removed"
assert_not_contains "$OUT" "WARNING"
assert_eq "$(mapping_count INBOX)" 4
assert_same_content 6

# 4. Expunged on one side, flags changed on the other: the message is gone
# on both sides, in both directions. (The reference then also warns
# "No match for modified local UID N. Try '--repair'." for the flag change it
# cannot map any more; that warning is neither required nor forbidden here.)
l5=$(l m5) r5=$(r m5) l6=$(l m6) r6=$(r m6)
expunge_uid local INBOX "$l5"
add_flags remote INBOX "$r5" '\Seen $Label1'
add_flags local INBOX "$l6" '\Flagged'
expunge_uid remote INBOX "$r6"
sync_ok
assert_contains "$OUT" "remote(INBOX): Removed 1 UID(s) $r5"
assert_contains "$OUT" "local(INBOX): Removed 1 UID(s) $l6"
assert_not_contains "$OUT" "Updated flags"
assert_eq "$(count_messages local INBOX)" 2
assert_eq "$(count_messages remote INBOX)" 2
assert_eq "$(mapping_count INBOX)" 2
assert_same_content 4

# 5. Everything expunged on one side.
for uid in $(uids_of local Work/Sub); do expunge_uid local Work/Sub "$uid"; done
sync_ok
assert_contains "$OUT" "remote(Work.Sub): Removed 2 UID(s) 1,3"
assert_eq "$(count_messages remote Work/Sub)" 0
assert_eq "$(mapping_count Work/Sub)" 0
assert_same_content 2

sync_ok
assert_eq "$(message_lines)" "" "idle run logs about messages"
echo "expunge: ok"
