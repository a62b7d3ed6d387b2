#!/bin/bash
# --delete: from both servers and the database by default (the mailbox, its
# states and its UID mapping), from the --target(s) given otherwise; not
# recursive; a name that exists nowhere is no error; INBOX is refused, after
# the names before it. Local "/" and remote "." delimiters; both stores
# mdbox, where a deleted parent with children lists as \NoSelect.
. "$(dirname "$0")/lib_commands.sh"

new_store local / mdbox
new_store remote . mdbox
sync_config
create_mailbox local Trash Old Old/Child Spare Keep Other
create_mailbox remote Old Old/Child Deep Deep/Er Deep/Er/Est
append_messages local Trash 2 "trash"
append_messages remote Old 1 "old"
append_messages local Old/Child 1 "child"
append_messages local Spare 2 "spare"
sync_ok
assert_same_content 6
trash_idx=$(db_idx Trash)
[ -n "$trash_idx" ] || fail "Trash is not in the database"
assert_eq "$(db_rows "$trash_idx")" "1 1 2" "Trash rows before --delete"

# 1. All targets: each server and the database (with states and mapping).
sync_ok --delete Trash
# The servers work at once: their lines may come in either order.
assert_eq "$(server_lines | LC_ALL=C sort)" "$(printf '%s\n' 'database: Removed mailbox Trash' 'local: Deleted mailbox Trash' 'remote: Deleted mailbox Trash')" "output of --delete Trash"
assert_eq "$(server_lines | tail -n1)" "database: Removed mailbox Trash" "the database goes last"
assert_contains "$OUT" "local: IMAP traffic (bytes): recv "
assert_contains "$OUT" "remote: IMAP traffic (bytes): recv "
assert_eq "$(db_idx Trash)" "" "Trash in the database"
assert_eq "$(db_rows "$trash_idx")" "0 0 0" "Trash rows after --delete"
assert_not_contains "$(one_line local)" "Trash"
assert_not_contains "$(one_line remote)" "Trash"

# 2. Not recursive: the parent goes, the child stays with its message, on
# both servers and in the database; a plain run then changes nothing.
sync_ok --delete Old
assert_contains "$OUT" "local: Deleted mailbox Old"
assert_contains "$OUT" "remote: Deleted mailbox Old"
assert_contains "$OUT" "database: Removed mailbox Old"
assert_eq "$(db_idx Old)" ""
[ -n "$(db_idx Old/Child)" ] || fail "Old/Child left the database"
assert_eq "$(count_messages local Old/Child)" 1
assert_eq "$(count_messages remote Old/Child)" 1
# The parent is now \NoSelect: deleting it again does nothing, quietly.
sync_ok --delete Old
assert_eq "$(server_lines)" "" "output of a second --delete Old"
sync_ok
assert_eq "$(message_lines)" "" "run after --delete logs about messages"
assert_not_contains "$OUT" "Created"
assert_same_content 3

# 3. A name that exists nowhere: no change, no message, success.
before=$(snapshot)
sync_ok --delete Nowhere Nowhere/Child
assert_eq "$(server_lines)" "" "output of --delete of an unknown name"
assert_eq "$(snapshot)" "$before" "--delete of an unknown name changed something"

# 4. --target=local: the remote server and the database keep it.
sync_ok --target=local --delete Spare
assert_eq "$(server_lines)" "local: Deleted mailbox Spare" "output of --target=local --delete"
assert_not_contains "$(one_line local)" "Spare"
assert_eq "$(count_messages remote Spare)" 2
[ -n "$(db_idx Spare)" ] || fail "Spare left the database with --target=local"
# ... so a plain run refuses to guess, as the reference does.
run_sync
assert_eq "$STATUS" 1 "exit status of a run after a local-only --delete"
assert_contains "$OUT" 'database: ERROR: Mailbox Spare exists. Run `interimap --target=database --delete Spare` to delete.'
# --target=remote,database finishes the job.
spare_idx=$(db_idx Spare)
sync_ok --target=remote,database --delete Spare
assert_eq "$(server_lines)" "$(printf '%s\n' 'remote: Deleted mailbox Spare' 'database: Removed mailbox Spare')" \
    "output of --target=remote,database --delete"
assert_eq "$(db_rows "$spare_idx")" "0 0 0" "Spare rows after --delete"
sync_ok
assert_same_content 1

# 5. --target=database only: the servers keep it, and the next run records
# it again as new (a fresh entry, no messages copied twice).
keep_idx=$(db_idx Keep)
sync_ok --target=database --delete Keep
assert_eq "$(server_lines)" "database: Removed mailbox Keep" "output of --target=database --delete"
assert_contains "$(one_line local)" "Keep"
assert_contains "$(one_line remote)" "Keep"
sync_ok
assert_contains "$OUT" "database: Created mailbox Keep"
[ "$(db_idx Keep)" != "$keep_idx" ] || fail "Keep kept its old database entry"
assert_same_content 1

# 6. Several names, in order; INBOX stops the command, after the names
# before it and before the names after it. Children of a name stay.
run_sync --delete Other INBOX Deep
assert_eq "$STATUS" 1 "exit status of --delete with INBOX"
assert_contains "$OUT" "ERROR: INBOX can't be deleted"
assert_contains "$OUT" "database: Removed mailbox Other"
assert_not_contains "$OUT" "Deep"
assert_eq "$(db_idx Other)" ""
[ -n "$(db_idx Deep)" ] || fail "Deep left the database"
run_sync --delete inbox
assert_eq "$STATUS" 1 "exit status of --delete inbox"
assert_contains "$OUT" "ERROR: INBOX can't be deleted"

# 7. --quiet hides the servers' lines and the traffic, not the database's.
sync_ok --quiet --delete Deep/Er Deep
assert_eq "$OUT" "$(printf '%s\n' 'database: Removed mailbox Deep/Er' 'database: Removed mailbox Deep')" "output of --quiet --delete"
assert_eq "$(one_line remote)" "Deep Deep/Er Deep/Er/Est INBOX Keep Old Old/Child" "remote mailboxes after deleting two parents (doveadm lists \\NoSelect parents)"
[ -n "$(db_idx Deep/Er/Est)" ] || fail "Deep/Er/Est left the database"
sync_ok
assert_eq "$(message_lines)" "" "run after --quiet --delete logs about messages"
assert_not_contains "$OUT" "Created"
echo "delete: ok"
