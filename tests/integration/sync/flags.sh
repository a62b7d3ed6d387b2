#!/bin/bash
# Flag changes on known messages are propagated: made on the local side, on
# the remote side, and on different messages of both sides in one run;
# system flags and keywords alike, additions, removals and clearing all flags.
. "$(dirname "$0")/lib_sync.sh"

new_pair / .
create_mailbox local Work Work/Sub
for i in 1 2 3 4 5 6; do append_message local INBOX "m$i" "0$i-Feb-2022 12:00:00 +0000" '\Flagged'; done
append_message local Work/Sub "nested" "01-Mar-2022 12:00:00 +0000" '$Label1'
sync_ok
assert_same_content 7

# r UID: the remote UID of local INBOX message "mUID" (both are 1..6 here, but
# ask the store rather than assume).
r() { uid_of remote INBOX "m$1"; }

# 1. On the local side.
add_flags local INBOX 1 '\Seen $Label1'
remove_flags local INBOX 2 '\Flagged'
sync_ok
assert_contains "$OUT" "remote(INBOX): Updated flags (\$Label1 \\Flagged \\Seen) for UID $(r 1)"
assert_contains "$OUT" "remote(INBOX): Updated flags () for UID $(r 2)"
assert_not_contains "$OUT" "local(INBOX): Updated flags"
assert_not_contains "$OUT" "WARNING"
assert_eq "$(flags_of remote INBOX "$(r 1)")" '$Label1 \Flagged \Seen'
assert_eq "$(flags_of remote INBOX "$(r 2)")" ''
assert_same_content 7

# 2. On the remote side, including a keyword of our own and one removed.
replace_flags remote INBOX "$(r 1)" '\Answered $Label2'
add_flags remote INBOX "$(r 3)" 'Project_X'
add_flags remote Work/Sub 1 '\Draft'
remove_flags remote Work/Sub 1 '$Label1'
sync_ok
assert_contains "$OUT" "local(INBOX): Updated flags (\$Label2 \\Answered) for UID 1"
assert_contains "$OUT" "local(INBOX): Updated flags (Project_X \\Flagged) for UID 3"
assert_contains "$OUT" "local(Work/Sub): Updated flags (\\Draft) for UID 1"
assert_not_contains "$OUT" "remote(INBOX): Updated flags"
assert_eq "$(flags_of local INBOX 1)" '$Label2 \Answered'
assert_eq "$(flags_of local INBOX 3)" 'Project_X \Flagged'
assert_eq "$(flags_of local Work/Sub 1)" '\Draft'
assert_same_content 7

# 3. Different messages on both sides in the same run.
add_flags local INBOX 4 '\Answered'
add_flags local INBOX 5 '$Forwarded'
remove_flags remote INBOX "$(r 6)" '\Flagged'
add_flags remote INBOX "$(r 6)" '\Seen $Label3'
sync_ok
assert_contains "$OUT" "remote(INBOX): Updated flags (\\Answered \\Flagged) for UID $(r 4)"
assert_contains "$OUT" "remote(INBOX): Updated flags (\$Forwarded \\Flagged) for UID $(r 5)"
assert_contains "$OUT" "local(INBOX): Updated flags (\$Label3 \\Seen) for UID 6"
assert_not_contains "$OUT" "WARNING"
assert_eq "$(flags_of remote INBOX "$(r 4)")" '\Answered \Flagged'
assert_eq "$(flags_of remote INBOX "$(r 5)")" '$Forwarded \Flagged'
assert_eq "$(flags_of local INBOX 6)" '$Label3 \Seen'
assert_same_content 7

# 4. A change undone before the run (same flags as recorded, new MODSEQ)
# leaves the other side's flags as they are.
add_flags local INBOX 4 '\Deleted'
remove_flags local INBOX 4 '\Deleted'
sync_ok
assert_eq "$(flags_of remote INBOX "$(r 4)")" '\Answered \Flagged'
assert_same_content 7

# Nothing left to do.
before=$(db_dump)
sync_ok
assert_eq "$(message_lines)" "" "idle run logs about messages"
assert_eq "$(db_dump)" "$before" "idle run changed the database"
echo "flags: ok"
