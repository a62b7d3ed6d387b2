#!/bin/bash
# A mailbox that appears on one side after the first run, with messages, is
# created on the other side (subscribed if it was) and filled; one that
# appears on both sides with different messages gets the messages of both.
. "$(dirname "$0")/lib_sync.sh"

new_pair / .
append_messages local INBOX 2 "inbox"
sync_ok
assert_same_content 2

# New on each side, nested, with messages; one of them subscribed.
create_mailbox -s local Projects Projects/Alpha
append_messages local Projects/Alpha 5 "alpha"
create_mailbox remote Lists Lists/Debian
append_messages remote Lists/Debian 3 "debian"
append_message remote Lists "top" "10-Oct-2020 10:10:10 +0000" '\Seen'
# New on both sides, independently.
create_mailbox local Both
create_mailbox remote Both
append_message local Both "from local" "01-Jun-2021 00:00:00 +0000" ''
append_message remote Both "from remote" "02-Jun-2021 00:00:00 +0000" '\Answered'
sync_ok

assert_contains "$OUT" "database: Created mailbox Projects/Alpha"
assert_contains "$OUT" "remote: Created mailbox Projects.Alpha"
assert_contains "$OUT" "remote: Subscribe to Projects.Alpha"
assert_contains "$OUT" "database: Created mailbox Lists/Debian"
assert_contains "$OUT" "local: Created mailbox Lists/Debian"
assert_contains "$OUT" "database: Created mailbox Both"
assert_not_contains "$OUT" "local: Created mailbox Both"
assert_not_contains "$OUT" "remote: Created mailbox Both"
assert_contains "$OUT" "remote(Projects.Alpha): Added 5 UID(s) 1:5 -> 1:5"
assert_contains "$OUT" "local(Lists/Debian): Added 3 UID(s) 1:3 <- 1:3"
assert_contains "$OUT" "local(Lists): Added 1 UID(s) 1 <- 1"
assert_contains "$OUT" "local(Both): Added 1 UID(s) 2 <- 1"
assert_contains "$OUT" "remote(Both): Added 1 UID(s) 1 -> 2"

assert_eq "$(count_messages remote Projects/Alpha)" 5
assert_eq "$(count_messages local Lists/Debian)" 3
assert_eq "$(count_messages local Lists)" 1
assert_eq "$(count_messages local Both)" 2
assert_eq "$(count_messages remote Both)" 2
assert_eq "$(doveadm_on remote mailbox list -s | LC_ALL=C sort | tr '\n' ' ')" "Projects Projects.Alpha "
assert_eq "$(mapping_count Projects/Alpha)" 5
assert_eq "$(mapping_count Both)" 2
assert_same_content 13

sync_ok
assert_eq "$(message_lines)" "" "idle run logs about messages"
assert_not_contains "$OUT" "Created"
echo "mailbox create: ok"
