#!/bin/bash
# Local "/" and remote "." delimiters: nested mailboxes and their messages are
# mirrored with each side's delimiter. When a store's delimiter changes
# between runs, the same mailboxes are recognised (the database keeps names
# delimiter-free): nothing is created or copied twice, and later changes
# still flow.
. "$(dirname "$0")/lib_sync.sh"

new_pair / .
create_mailbox local Work Work/2024 Work/2024/Q1
create_mailbox remote Lists Lists/Debian Lists/Debian/Devel
append_messages local Work/2024/Q1 4 "quarter"
append_messages local Work 2 "work"
append_messages remote Lists/Debian/Devel 3 "devel"
append_messages remote INBOX 1 "hello"
sync_ok
assert_contains "$OUT" "remote: Created mailbox Work.2024.Q1"
assert_contains "$OUT" "local: Created mailbox Lists/Debian/Devel"
assert_contains "$OUT" "database: Created mailbox Work/2024/Q1"
assert_contains "$OUT" "remote(Work.2024.Q1): Added 4 UID(s) 1:4 -> 1:4"
assert_contains "$OUT" "local(Lists/Debian/Devel): Added 3 UID(s) 1:3 <- 1:3"
assert_eq "$(doveadm_on remote mailbox list | LC_ALL=C sort | tr '\n' ' ')" \
    "INBOX Lists Lists.Debian Lists.Debian.Devel Work Work.2024 Work.2024.Q1 "
assert_eq "$(doveadm_on local mailbox list | LC_ALL=C sort | tr '\n' ' ')" \
    "INBOX Lists Lists/Debian Lists/Debian/Devel Work Work/2024 Work/2024/Q1 "
assert_same_content 10
mailboxes_before=$(db_query "$DB" "SELECT idx, hex(mailbox) FROM mailboxes ORDER BY idx")
mapping_before=$(db_query "$DB" "SELECT * FROM mapping ORDER BY idx, lUID")

# The local store now uses "." as well.
set_separator local .
sync_ok
assert_eq "$(message_lines)" "" "messages touched after the local delimiter changed"
assert_not_contains "$OUT" "Created"
assert_eq "$(doveadm_on local mailbox list | LC_ALL=C sort | tr '\n' ' ')" \
    "INBOX Lists Lists.Debian Lists.Debian.Devel Work Work.2024 Work.2024.Q1 "
assert_eq "$(db_query "$DB" "SELECT idx, hex(mailbox) FROM mailboxes ORDER BY idx")" "$mailboxes_before" "mailboxes table"
assert_eq "$(db_query "$DB" "SELECT * FROM mapping ORDER BY idx, lUID")" "$mapping_before" "mapping table"
assert_same_content 10

# And the remote store "/": still the same mailboxes; new messages flow.
set_separator remote /
append_message local Work/2024/Q1 "after the change" "03-Mar-2023 03:03:03 +0000" '\Seen'
add_flags remote Lists/Debian/Devel 2 '$Label4'
sync_ok
assert_not_contains "$OUT" "Created"
assert_contains "$OUT" "remote(Work/2024/Q1): Added 1 UID(s) 5 -> 5"
assert_contains "$OUT" "local(Lists.Debian.Devel): Updated flags (\$Label4) for UID 2"
assert_eq "$(doveadm_on remote mailbox list | LC_ALL=C sort | tr '\n' ' ')" \
    "INBOX Lists Lists/Debian Lists/Debian/Devel Work Work/2024 Work/2024/Q1 "
assert_eq "$(db_query "$DB" "SELECT idx, hex(mailbox) FROM mailboxes ORDER BY idx")" "$mailboxes_before" "mailboxes table"
assert_eq "$(mapping_count)" 11 "mapping rows"
assert_same_content 11

sync_ok
assert_eq "$(message_lines)" "" "idle run logs about messages"
assert_not_contains "$OUT" "Created"
echo "delimiters: ok"
