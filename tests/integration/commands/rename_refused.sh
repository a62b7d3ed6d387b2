#!/bin/bash
# --rename is refused, before anything changes, when DEST exists on a
# selected target: on the local server, on the remote server (named in its
# own spelling, the advice in the local one), in the database; the local
# server is checked first. A target left out is not checked.
. "$(dirname "$0")/lib_commands.sh"

new_store local / mdbox
new_store remote . mdbox
sync_config
create_mailbox local Src Src/Child Keep
create_mailbox remote Src Src/Child
append_messages local Src 2 "src"
append_messages remote Src/Child 1 "child"
sync_ok
assert_same_content 3

# refused EXPECTED_LINE ARGS...: --rename with ARGS must fail with status 1,
# print EXPECTED_LINE and leave the stores and the database as they were.
refused() {
    local expected=$1 before
    shift
    before=$(snapshot)
    run_sync "$@"
    assert_eq "$STATUS" 1 "exit status of $*"
    assert_contains "$OUT" "$expected"
    assert_not_contains "$OUT" "Renamed"
    assert_eq "$(snapshot)" "$before" "a refused $* changed something"
}

# 1. On the local server only.
create_mailbox local New
refused 'local: ERROR: Mailbox New exists. Run `interimap --target=local --delete New` to delete.' \
    --rename Src New
# ... not checked when the local server is not a target: the others go ahead.
sync_ok --target=remote,database --rename Src New
assert_contains "$OUT" "remote: Renamed mailbox Src to New"
assert_contains "$OUT" "database: Renamed mailbox Src to New"
assert_eq "$(db_names | tr '\n' ' ')" "INBOX Keep New New/Child " "stored names"
# Undo, to keep the stores in step: the local Src is the stale one now.
sync_ok --target=remote,database --rename New Src
delete_mailbox local New

# 2. On the remote server only, a child name: its own spelling in the
# message, the local one in the advice.
create_mailbox remote Dest/Sub
refused 'remote: ERROR: Mailbox Dest.Sub exists. Run `interimap --target=remote --delete Dest/Sub` to delete.' \
    --rename Src Dest/Sub
refused 'remote: ERROR: Mailbox Dest.Sub exists. Run `interimap --target=remote --delete Dest/Sub` to delete.' \
    --target=remote --rename Src/Child Dest/Sub

# 3. On both servers: the local one is named.
create_mailbox local Dest/Sub
refused 'local: ERROR: Mailbox Dest/Sub exists. Run `interimap --target=local --delete Dest/Sub` to delete.' \
    --rename Src Dest/Sub
delete_mailbox local Dest/Sub
delete_mailbox remote Dest/Sub

# 4. In the database only (deleted from both servers by hand).
sync_ok
assert_not_contains "$OUT" "Created"
create_mailbox local Stale
sync_ok
delete_mailbox local Stale
delete_mailbox remote Stale
refused 'database: ERROR: Mailbox Stale exists. Run `interimap --target=database --delete Stale` to delete.' \
    --rename Src Stale
refused 'database: ERROR: Mailbox Stale exists. Run `interimap --target=database --delete Stale` to delete.' \
    --target=database --rename Src Stale
# The advice works, and the rename then goes through.
sync_ok --target=database --delete Stale
assert_eq "$(server_lines)" "database: Removed mailbox Stale" "output of the advised --delete"
sync_ok --rename Src Stale
assert_eq "$(db_names | tr '\n' ' ')" "INBOX Keep Stale Stale/Child " "stored names"
sync_ok
assert_not_contains "$OUT" "Created"
assert_same_content 3

# 5. INBOX always exists.
refused 'local: ERROR: Mailbox INBOX exists. Run `interimap --target=local --delete INBOX` to delete.' \
    --rename Keep inbox
echo "rename refused: ok"
