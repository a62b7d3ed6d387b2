#!/bin/bash
# --rename SOURCE DEST: recursive on both servers (IMAP RENAME moves the
# children) and in the database (every stored name under SOURCE, not names
# that merely start with the same letters), with "/" locally and "."
# remotely; entries keep their row, states and UID mapping, so a plain run
# afterwards has nothing to do. Then --target, a \NoSelect parent, a name that
# exists nowhere, --quiet and a refusal by the server.
. "$(dirname "$0")/lib_commands.sh"

new_store local / mdbox
new_store remote . mdbox
sync_config
create_mailbox local Work Work/Sub Work/Sub/Deep Worker Other
create_mailbox remote Work Work/Sub Work/Sub/Deep
append_messages local Work 2 "work"
append_messages local Work/Sub 2 "sub"
append_messages remote Work/Sub/Deep 1 "deep"
append_messages local Worker 1 "worker"
append_messages remote INBOX 1 "inbox"
sync_ok
assert_same_content 7
idx_before="$(db_idx Work) $(db_idx Work/Sub) $(db_idx Work/Sub/Deep) $(db_idx Worker)"
rows_before="$(db_rows "$(db_idx Work/Sub)")"
assert_eq "$rows_before" "1 1 2" "Work/Sub rows before --rename"

# 1. Both servers and the database, children included.
sync_ok --rename Work Job
assert_eq "$(server_lines | LC_ALL=C sort)" "$(printf '%s\n' 'database: Renamed mailbox Work to Job' 'local: Renamed mailbox Work to Job' 'remote: Renamed mailbox Work to Job')" "output of --rename Work Job"
assert_eq "$(server_lines | tail -n1)" "database: Renamed mailbox Work to Job" "the database goes last"
assert_eq "$(one_line local)" "INBOX Job Job/Sub Job/Sub/Deep Other Worker" "local mailboxes"
assert_eq "$(doveadm_on remote mailbox list | LC_ALL=C sort | tr '\n' ' ')" "INBOX Job Job.Sub Job.Sub.Deep Other Worker " "remote mailboxes, remote spelling"
assert_eq "$(db_names | tr '\n' ' ')" "INBOX Job Job/Sub Job/Sub/Deep Other Worker " "stored names"
assert_eq "$(sqlite3 "$DB" "SELECT hex(mailbox) FROM mailboxes WHERE idx = $(db_idx Job/Sub/Deep)")" \
    "4A6F62005375620044656570" "stored bytes of Job/Sub/Deep (NUL-delimited)"
assert_eq "$(db_idx Job) $(db_idx Job/Sub) $(db_idx Job/Sub/Deep) $(db_idx Worker)" "$idx_before" "row ids after --rename"
assert_eq "$(db_rows "$(db_idx Job/Sub)")" "$rows_before" "Job/Sub rows after --rename"
assert_eq "$(count_messages remote Job/Sub/Deep)" 1
sync_ok
assert_eq "$(message_lines)" "" "run after --rename logs about messages"
assert_not_contains "$OUT" "Created"
assert_same_content 7

# 2. A child alone, to a new parent that does not exist yet.
sync_ok --rename Job/Sub Archive/Sub
assert_contains "$OUT" "local: Renamed mailbox Job/Sub to Archive/Sub"
assert_contains "$OUT" "remote: Renamed mailbox Job.Sub to Archive.Sub"
assert_contains "$OUT" "database: Renamed mailbox Job/Sub to Archive/Sub"
assert_eq "$(db_names | tr '\n' ' ')" "Archive/Sub Archive/Sub/Deep INBOX Job Other Worker " "stored names"
sync_ok
assert_eq "$(message_lines)" "" "run after renaming a child logs about messages"
assert_not_contains "$OUT" "Created mailbox Archive/Sub"
assert_same_content 7

# 3. A \NoSelect parent (deleted, its children kept) is renamed on the
# servers, and its children in the database although it has no entry.
sync_ok --delete Job
create_mailbox local Job/Kid
create_mailbox remote Job/Kid
sync_ok
assert_eq "$(db_idx Job)" ""
sync_ok --rename Job Task
assert_contains "$OUT" "local: Renamed mailbox Job to Task"
assert_contains "$OUT" "remote: Renamed mailbox Job to Task"
assert_contains "$OUT" "database: Renamed mailbox Job to Task"
assert_eq "$(db_names | tr '\n' ' ')" "Archive/Sub Archive/Sub/Deep INBOX Other Task/Kid Worker " "stored names"
sync_ok
assert_not_contains "$OUT" "Created"
assert_same_content 5

# 4. --target: the remote server only, then the rest.
sync_ok --target=remote --rename Other Misc
assert_eq "$(server_lines)" "remote: Renamed mailbox Other to Misc" "output of --target=remote --rename"
assert_contains "$(one_line local)" "Other"
assert_eq "$(db_names | grep -c Other)" 1 "Other in the database"
sync_ok --target=local --target=database --rename Other Misc
assert_eq "$(server_lines | LC_ALL=C sort)" "$(printf '%s\n' 'database: Renamed mailbox Other to Misc' 'local: Renamed mailbox Other to Misc')" "output of --target=local,database --rename"
sync_ok
assert_not_contains "$OUT" "Created"
assert_same_content 5
# The database only: the servers keep the old name.
sync_ok --target=database --rename Worker Helper
assert_eq "$(server_lines)" "database: Renamed mailbox Worker to Helper" "output of --target=database --rename"
assert_contains "$(one_line local)" "Worker"
assert_eq "$(db_names | tr '\n' ' ')" "Archive/Sub Archive/Sub/Deep Helper INBOX Misc Task/Kid " "stored names"
sync_ok --target=local,remote --rename Worker Helper
sync_ok
assert_not_contains "$OUT" "Created"
assert_same_content 5

# 5. A name that exists nowhere: nothing happens, quietly.
before=$(snapshot)
sync_ok --rename Nowhere Elsewhere
assert_eq "$(server_lines)" "" "output of --rename of an unknown name"
assert_eq "$(snapshot)" "$before" "--rename of an unknown name changed something"

# 6. --quiet hides the servers' lines and the traffic, not the database's.
sync_ok -q --rename Misc Various
assert_eq "$OUT" "database: Renamed mailbox Misc to Various" "output of --quiet --rename"

# 7. The servers refuse to move a mailbox under itself: an error quoting
# the server, and the database is left alone.
before=$(snapshot)
run_sync --rename Archive Archive/Sub/Deep/Archive
assert_eq "$STATUS" 1 "exit status of a refused RENAME"
assert_contains "$OUT" "local: ERROR: Couldn't rename mailbox Archive: NO "
assert_eq "$(snapshot)" "$before" "a refused RENAME changed something"
echo "rename: ok"
