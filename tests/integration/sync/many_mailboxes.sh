#!/bin/bash
# Many dirty mailboxes at once: they are synchronised side by side on the
# two connections (their SELECTs, FETCHes, STOREs and APPENDs pipelined one
# behind the other), so every kind of change in every mailbox in one run must
# land in the right mailbox: copies both ways, some of them larger than one
# APPEND batch (fetched in chunks, APPENDs held while the target sends
# bodies), flag changes both ways, expunges both ways.
. "$(dirname "$0")/lib_sync.sh"

new_pair / .
boxes=()
for i in $(seq -w 1 12); do boxes+=("Box$i"); done
create_mailbox remote "${boxes[@]}"
create_mailbox local "${boxes[@]}"
for b in "${boxes[@]}"; do
    append_messages remote "$b" 150 "remote $b"
    append_messages local "$b" 20 "local $b"
done
sync_ok
assert_not_contains "$OUT" "WARNING"
assert_same_content $((12 * 170))
for b in Box01 Box07 Box12; do
    assert_eq "$(added_count "local($b)")" 150 "copied into local $b"
    assert_eq "$(added_count "remote($b)")" 20 "copied into remote $b"
done

# Every mailbox changes on both sides in one run.
for b in "${boxes[@]}"; do
    add_flags local "$b" 19 '\Answered'
    add_flags remote "$b" "$(uid_of remote "$b" "remote $b 149")" '$Label2'
    expunge_uid local "$b" 5
    expunge_uid remote "$b" "$(uid_of remote "$b" "remote $b 148")"
    append_messages local "$b" 3 "later local $b"
    append_messages remote "$b" 140 "later remote $b"
done
sync_ok
assert_not_contains "$OUT" "WARNING"
for b in Box01 Box12; do
    assert_contains "$OUT" "remote($b): Removed 1 UID(s)"
    assert_contains "$OUT" "local($b): Removed 1 UID(s)"
    assert_eq "$(added_count "local($b)")" 140 "new messages copied into local $b"
    assert_eq "$(added_count "remote($b)")" 3 "new messages copied into remote $b"
done
assert_eq "$(flags_of remote Box03 "$(uid_of remote Box03 "local Box03 19")")" '\Answered' \
    "flag set locally reached the remote"
assert_same_content $((12 * (170 - 2 + 143)))
assert_eq "$(count_duplicates local)" 0 "duplicates on the local side"

# Nothing left to do.
before=$(db_dump)
sync_ok
assert_eq "$(message_lines)" "" "idle run logs about messages"
assert_eq "$(db_dump)" "$before" "idle run changed the database"
echo "many_mailboxes: ok"
