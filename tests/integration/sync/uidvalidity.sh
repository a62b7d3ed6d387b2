#!/bin/bash
# A mailbox whose UIDVALIDITY changed on one side since the last run (set by
# doveadm, or the mailbox deleted and created again) stops the run with exit
# 1 and an error naming UIDVALIDITY, both values and the mailbox, before
# anything is copied: both stores and the database are left as they were.
. "$(dirname "$0")/lib_sync.sh"

new_pair / .
create_mailbox local Work Work/Sub
append_messages local Work/Sub 3 "sub"
append_messages local INBOX 2 "inbox"
sync_ok
assert_same_content 5
old_remote=$(uidvalidity_of remote Work/Sub)
old_local=$(uidvalidity_of local Work/Sub)

# 1. Changed on the remote side, with other changes pending.
doveadm_on remote mailbox update --uid-validity 12345 "$(mbx remote Work/Sub)"
append_messages local INBOX 1 "pending"
add_flags remote INBOX 1 '\Seen'
before=$(snapshot)
run_sync
assert_eq "$STATUS" 1 "exit status after a remote UIDVALIDITY change"
assert_contains "$OUT" "remote: ERROR: UIDVALIDITY changed! (12345 != $old_remote)  Need to invalidate the UID cache for Work.Sub."
assert_not_contains "$OUT" "Added"
assert_not_contains "$OUT" "Updated flags"
assert_eq "$(snapshot)" "$before" "a run stopped by UIDVALIDITY changed something"

# Back to the recorded value, the run goes on.
doveadm_on remote mailbox update --uid-validity "$old_remote" "$(mbx remote Work/Sub)"
sync_ok
assert_contains "$OUT" "remote(INBOX): Added 1 UID(s) 3 -> 3"
assert_same_content 6

# 2. Deleted and created again on the local side, with new messages.
delete_mailbox local Work/Sub
create_mailbox local Work/Sub
append_messages local Work/Sub 2 "again"
new_local=$(uidvalidity_of local Work/Sub)
[ "$new_local" != "$old_local" ] || fail "the new mailbox kept its UIDVALIDITY $old_local"
before=$(snapshot)
run_sync
assert_eq "$STATUS" 1 "exit status after a local UIDVALIDITY change"
assert_contains "$OUT" "local: ERROR: UIDVALIDITY changed! ($new_local != $old_local)  Need to invalidate the UID cache for Work/Sub."
assert_eq "$(snapshot)" "$before" "a run stopped by UIDVALIDITY changed something"
run_sync
assert_eq "$STATUS" 1 "exit status of the next run"

# Forgetting the mailbox in the database starts it afresh: the messages of
# both sides are merged (3 remote + 2 new local).
sync_ok --target=database --delete Work/Sub
sync_ok
assert_eq "$(count_messages local Work/Sub)" 5
assert_eq "$(count_messages remote Work/Sub)" 5
assert_same_content 8
echo "uidvalidity: ok"
