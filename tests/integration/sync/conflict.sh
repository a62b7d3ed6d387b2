#!/bin/bash
# A message whose flags changed differently on both sides since the last run
# ends with the union of both flag lists on both sides, and the run warns,
# naming the mailbox (local delimiter), both UIDs and the three flag lists.
# The same change made on both sides is no conflict.
. "$(dirname "$0")/lib_sync.sh"

new_pair / .
create_mailbox remote Work Work/Sub
append_message local INBOX "one" "01-Feb-2022 12:00:00 +0000" '\Flagged'
append_message local INBOX "two" "02-Feb-2022 12:00:00 +0000" '\Flagged'
append_message local INBOX "three" "03-Feb-2022 12:00:00 +0000" ''
append_message remote Work/Sub "nested" "04-Feb-2022 12:00:00 +0000" '$Label1'
# Offset the UIDs so that local and remote UIDs of a message differ.
append_message remote INBOX "remote first" "05-Feb-2022 12:00:00 +0000" ''
sync_ok
assert_same_content 5
l1=$(uid_of local INBOX one) r1=$(uid_of remote INBOX one)
r2=$(uid_of remote INBOX two) r3=$(uid_of remote INBOX three)
[ "$l1" != "$r1" ] || fail "UIDs should differ between the stores: $l1 $r1"

# Different additions on both sides, a keyword on one of them.
add_flags local INBOX "$l1" '\Seen'
add_flags remote INBOX "$r1" '\Answered $Label2'
# A removal on one side loses to the other side's change: union.
remove_flags local INBOX "$(uid_of local INBOX two)" '\Flagged'
add_flags remote INBOX "$r2" '\Seen'
# The same change on both sides: nothing to reconcile.
add_flags local INBOX "$(uid_of local INBOX three)" '\Draft'
add_flags remote INBOX "$r3" '\Draft'
# A conflict in a nested mailbox (named with the local delimiter).
add_flags local Work/Sub 1 '\Seen'
remove_flags remote Work/Sub 1 '$Label1'
sync_ok

assert_contains "$OUT" "WARNING: Conflicting flag update in INBOX for local UID $l1 (\\Flagged \\Seen) and remote UID $r1 (\$Label2 \\Answered \\Flagged). Setting both to the union (\$Label2 \\Answered \\Flagged \\Seen)."
assert_contains "$OUT" "WARNING: Conflicting flag update in INBOX for local UID $(uid_of local INBOX two) () and remote UID $r2 (\\Flagged \\Seen). Setting both to the union (\\Flagged \\Seen)."
assert_contains "$OUT" "WARNING: Conflicting flag update in Work/Sub for local UID 1 (\$Label1 \\Seen) and remote UID 1 (). Setting both to the union (\$Label1 \\Seen)."
assert_eq "$(grep -c WARNING <<<"$OUT")" 3 "warnings"
assert_not_contains "$OUT" "local UID $(uid_of local INBOX three) ("
assert_contains "$OUT" "local(INBOX): Updated flags (\$Label2 \\Answered \\Flagged \\Seen) for UID $l1"
assert_contains "$OUT" "remote(INBOX): Updated flags (\$Label2 \\Answered \\Flagged \\Seen) for UID $r1"

assert_eq "$(flags_of local INBOX "$l1")" '$Label2 \Answered \Flagged \Seen'
assert_eq "$(flags_of remote INBOX "$r1")" '$Label2 \Answered \Flagged \Seen'
assert_eq "$(flags_of local INBOX "$(uid_of local INBOX two)")" '\Flagged \Seen'
assert_eq "$(flags_of remote INBOX "$r2")" '\Flagged \Seen'
assert_eq "$(flags_of remote INBOX "$r3")" '\Draft'
assert_eq "$(flags_of local Work/Sub 1)" '$Label1 \Seen'
assert_eq "$(flags_of remote Work/Sub 1)" '$Label1 \Seen'
assert_same_content 5

# The union was recorded: the next run has nothing to do.
sync_ok
assert_eq "$(message_lines)" "" "run after the conflict logs about messages"
echo "conflict: ok"
