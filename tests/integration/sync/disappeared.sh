#!/bin/bash
# A known mailbox that disappeared from one side only (deleted or renamed
# there) stops the run with exit 1 and a message pointing to --delete, before
# any message is copied; the database and both stores are left as they were.
# Following the advice then lets the runs continue.
. "$(dirname "$0")/lib_sync.sh"

new_pair / .
create_mailbox local Work Work/Old Keep Gone
append_messages local Work/Old 2 "old"
append_messages local Keep 2 "keep"
append_messages local Gone 3 "gone"
sync_ok
assert_same_content 7

# 1. Deleted on the local side, with changes pending elsewhere.
delete_mailbox local Work/Old
append_messages remote Keep 2 "more"
add_flags local Keep 1 '\Seen'
before=$(snapshot)
run_sync
assert_eq "$STATUS" 1 "exit status when a mailbox disappeared locally"
assert_contains "$OUT" 'database: ERROR: Mailbox Work/Old exists. Run `interimap --target=database --delete Work/Old` to delete.'
assert_not_contains "$OUT" "Added"
assert_not_contains "$OUT" "Updated flags"
assert_eq "$(snapshot)" "$before" "stores or database changed by the failed run"

# Deleting it everywhere lets the run go on.
sync_ok --delete Work/Old
assert_contains "$OUT" "remote: Deleted mailbox Work.Old"
assert_contains "$OUT" "database: Removed mailbox Work/Old"
sync_ok
assert_contains "$OUT" "local(Keep): Added 2 UID(s) 3:4 <- 3:4"
assert_same_content 7

# 2. Deleted on the remote side.
delete_mailbox remote Gone
before=$(snapshot)
run_sync
assert_eq "$STATUS" 1 "exit status when a mailbox disappeared remotely"
assert_contains "$OUT" 'database: ERROR: Mailbox Gone exists. Run `interimap --target=database --delete Gone` to delete.'
assert_eq "$(snapshot)" "$before" "stores or database changed by the failed run"

# Forgetting it in the database only: the next run copies it back.
sync_ok --target=database --delete Gone
assert_contains "$OUT" "database: Removed mailbox Gone"
assert_not_contains "$OUT" "Deleted mailbox"
assert_eq "$(count_messages local Gone)" 3
sync_ok
assert_contains "$OUT" "remote: Created mailbox Gone"
assert_contains "$OUT" "remote(Gone): Added 3 UID(s) 1:3 -> 1:3"
assert_same_content 7

# 3. Renamed on one side: the old name disappeared from it. (The reference
# walks mailboxes in hash order, so the new name may or may not have been
# created on the other side when it stops; no message is copied either way.)
rename_mailbox remote Keep Kept
ldigest=$(store_digest local) rdigest=$(store_digest remote) db=$(db_dump)
run_sync
assert_eq "$STATUS" 1 "exit status when a mailbox was renamed on one side"
assert_contains "$OUT" 'database: ERROR: Mailbox Keep exists. Run `interimap --target=database --delete Keep` to delete.'
assert_eq "$(store_digest local)" "$ldigest" "local messages changed by the failed run"
assert_eq "$(store_digest remote)" "$rdigest" "remote messages changed by the failed run"
assert_eq "$(db_query "$DB" "SELECT * FROM mapping ORDER BY idx, lUID")" \
    "$(grep '^mapping|' <<<"$db" | cut -d'|' -f2-)" "mapping changed by the failed run"
echo "disappeared: ok"
