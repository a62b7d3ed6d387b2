#!/bin/bash
# With a list-reference, the names on the command line stay relative to it:
# the server's full name (reference included, its own delimiter) is what
# --delete and --rename act on and what the server lines and refusals show.
. "$(dirname "$0")/lib_commands.sh"

new_store local / mdbox
new_store remote . mdbox
sync_config
sed -i '/^\[remote\]$/a list-reference = Mirror.' "$CONF"
create_mailbox local A A/B C
create_mailbox remote Mirror/A Mirror/A/B Outside
append_messages local A/B 2 "ab"
append_messages remote Outside 1 "outside"
sync_ok
assert_contains "$OUT" "remote: Created mailbox Mirror.C"
assert_eq "$(db_names | tr '\n' ' ')" "A A/B C INBOX " "stored names"

# --rename: the reference is added on the remote server only.
sync_ok --rename A Z
assert_eq "$(server_lines | LC_ALL=C sort)" "$(printf '%s\n' 'database: Renamed mailbox A to Z' 'local: Renamed mailbox A to Z' 'remote: Renamed mailbox Mirror.A to Mirror.Z')" "output of --rename A Z"
assert_eq "$(doveadm_on remote mailbox list | LC_ALL=C sort | tr '\n' ' ')" "INBOX Mirror Mirror.C Mirror.INBOX Mirror.Z Mirror.Z.B Outside " "remote mailboxes"
assert_eq "$(db_names | tr '\n' ' ')" "C INBOX Z Z/B " "stored names"
sync_ok
assert_not_contains "$OUT" "Created"

# A refusal names the remote mailbox in full, the advice without the reference.
create_mailbox remote Mirror/Y
before=$(snapshot)
run_sync --rename Z Y
assert_eq "$STATUS" 1 "exit status of a refused --rename"
assert_contains "$OUT" 'remote: ERROR: Mailbox Mirror.Y exists. Run `interimap --target=remote --delete Y` to delete.'
assert_eq "$(snapshot)" "$before" "a refused --rename changed something"

# --delete: likewise; the name outside the reference is not touched.
sync_ok --delete Z/B Outside
assert_eq "$(server_lines | LC_ALL=C sort)" "$(printf '%s\n' 'database: Removed mailbox Z/B' 'local: Deleted mailbox Z/B' 'remote: Deleted mailbox Mirror.Z.B')" "output of --delete"
assert_eq "$(count_messages remote Outside)" 1
echo "list-reference: ok"
