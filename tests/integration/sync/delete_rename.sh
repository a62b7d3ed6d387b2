#!/bin/bash
# --delete and --rename: on both servers and in the database by default, on
# the --target(s) given otherwise. Deletion is not recursive; renaming is,
# and is refused when the destination exists on a target. After each
# command, a plain run has nothing to copy. Both stores are mdbox here:
# Dovecot's maildir++ layout keeps listing a deleted parent of a surviving
# child as selectable, which no synchroniser can handle.
. "$(dirname "$0")/lib_sync.sh"

new_store local / mdbox
new_store remote . mdbox
sync_config
create_mailbox local Work Work/Sub Work/Sub/Deep Trash Old Old/Child Spare
create_mailbox remote Work Work/Sub Work/Sub/Deep Old Old/Child
append_messages local Work 2 "work"
append_messages local Work/Sub 2 "sub"
append_messages remote Work/Sub/Deep 1 "deep"
append_messages local Trash 1 "trash"
append_messages local Old 1 "old"
append_messages remote Old/Child 1 "child"
append_messages local Spare 2 "spare"
sync_ok
assert_same_content 10
db_has() { db_query "$DB" "SELECT count(*) FROM mailboxes WHERE mailbox = $(db_mailbox "$1")"; }
assert_eq "$(db_has Work/Sub/Deep)" 1 "db_has helper"

# INBOX cannot be deleted; the usage is checked.
run_sync --delete INBOX
assert_eq "$STATUS" 1 "exit status of --delete INBOX"
assert_contains "$OUT" "ERROR: INBOX can't be deleted"
run_sync --delete
assert_eq "$STATUS" 1 "exit status of --delete without a mailbox"
assert_contains "$OUT" "Usage: interimap [OPTIONS] [COMMAND] [MAILBOX [..]]"

# 1. --delete: both servers and the database.
sync_ok --delete Trash
assert_contains "$OUT" "local: Deleted mailbox Trash"
assert_contains "$OUT" "remote: Deleted mailbox Trash"
assert_contains "$OUT" "database: Removed mailbox Trash"
assert_eq "$(db_has Trash)" 0
assert_not_contains "$(store_mailboxes local)" "Trash"
assert_not_contains "$(store_mailboxes remote)" "Trash"

# Not recursive: the child stays, with its message, on both sides and in the database.
sync_ok --delete Old
assert_contains "$OUT" "database: Removed mailbox Old"
assert_eq "$(db_has Old)" 0
assert_eq "$(db_has Old/Child)" 1
assert_eq "$(count_messages local Old/Child)" 1
assert_eq "$(count_messages remote Old/Child)" 1
sync_ok
assert_eq "$(message_lines)" "" "run after --delete logs about messages"
assert_not_contains "$OUT" "Created"
assert_same_content 8

# 2. --target: the local server and the database only; the remote copy is
# then new to the database, and comes back.
sync_ok --target=local --target=database --delete Spare
assert_contains "$OUT" "local: Deleted mailbox Spare"
assert_contains "$OUT" "database: Removed mailbox Spare"
assert_not_contains "$OUT" "remote: Deleted"
assert_eq "$(count_messages remote Spare)" 2
sync_ok
assert_contains "$OUT" "local: Created mailbox Spare"
assert_contains "$OUT" "local(Spare): Added 2 UID(s) 1:2 <- 1:2"
assert_same_content 8
# The local server only: the database still knows the mailbox, so the next
# run stops and points to --delete.
sync_ok --target=local --delete Spare
assert_not_contains "$OUT" "database: Removed"
run_sync
assert_eq "$STATUS" 1 "exit status after a local-only --delete"
assert_contains "$OUT" 'database: ERROR: Mailbox Spare exists. Run `interimap --target=database --delete Spare` to delete.'
sync_ok --target=remote --target=database --delete Spare
assert_contains "$OUT" "remote: Deleted mailbox Spare"
sync_ok
assert_same_content 6

# 3. --rename: recursive, on both servers and in the database.
sync_ok --rename Work Job
assert_contains "$OUT" "local: Renamed mailbox Work to Job"
assert_not_contains "$OUT" "Renamed mailbox Work/Sub " "children are renamed with their parent, not one by one"
assert_contains "$OUT" "remote: Renamed mailbox Work to Job"
assert_contains "$OUT" "database: Renamed mailbox Work to Job"
assert_eq "$(store_mailboxes local | tr '\n' ' ')" "INBOX Job Job/Sub Job/Sub/Deep Old Old/Child "
assert_eq "$(store_mailboxes remote | tr '\n' ' ')" "INBOX Job Job/Sub Job/Sub/Deep Old Old/Child "
assert_eq "$(db_has Job)$(db_has Job/Sub)$(db_has Job/Sub/Deep)" 111 "renamed mailboxes in the database"
assert_eq "$(db_has Work)$(db_has Work/Sub)$(db_has Work/Sub/Deep)" 000 "old names in the database"
assert_eq "$(count_messages remote Job/Sub/Deep)" 1
assert_eq "$(mapping_count Job/Sub)" 2
sync_ok
assert_eq "$(message_lines)" "" "run after --rename logs about messages"
assert_not_contains "$OUT" "Created"
assert_same_content 6

# 4. The destination exists on one server: refused, nothing changes.
create_mailbox remote Dest
before=$(snapshot)
run_sync --rename Job Dest
assert_eq "$STATUS" 1 "exit status when the destination exists remotely"
assert_contains "$OUT" 'remote: ERROR: Mailbox Dest exists. Run `interimap --target=remote --delete Dest` to delete.'
assert_eq "$(snapshot)" "$before" "a refused --rename changed something"
delete_mailbox remote Dest
create_mailbox local Dest
before=$(snapshot)
run_sync --rename Job/Sub Dest
assert_eq "$STATUS" 1 "exit status when the destination exists locally"
assert_contains "$OUT" 'local: ERROR: Mailbox Dest exists. Run `interimap --target=local --delete Dest` to delete.'
assert_eq "$(snapshot)" "$before" "a refused --rename changed something"
delete_mailbox local Dest
# ... or in the database only (a mailbox deleted from both servers by hand).
create_mailbox local Stale
sync_ok
delete_mailbox local Stale
delete_mailbox remote Stale
before=$(snapshot)
run_sync --rename Job Stale
assert_eq "$STATUS" 1 "exit status when the destination exists in the database"
assert_contains "$OUT" 'database: ERROR: Mailbox Stale exists. Run `interimap --target=database --delete Stale` to delete.'
assert_eq "$(snapshot)" "$before" "a refused --rename changed something"
sync_ok --delete Stale
assert_eq "$(db_has Stale)" 0

# 5. Renamed by hand on the remote server; --target finishes the job.
rename_mailbox remote Old Older
sync_ok --target=local --target=database --rename Old Older
assert_contains "$OUT" "local: Renamed mailbox Old to Older"
assert_contains "$OUT" "database: Renamed mailbox Old to Older"
assert_not_contains "$OUT" "remote: Renamed"
assert_eq "$(db_has Older/Child)" 1
sync_ok
assert_eq "$(message_lines)" "" "run after a targeted --rename logs about messages"
assert_not_contains "$OUT" "Created"
assert_same_content 6
echo "delete and rename: ok"
