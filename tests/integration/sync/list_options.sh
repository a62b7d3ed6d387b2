#!/bin/bash
# The options that narrow the set of synchronised mailboxes: list-mailbox
# (quoted names, \x00 for the delimiter), list-select-opts = SUBSCRIBED,
# ignore-mailbox, list-reference on one side, and MAILBOX arguments, which
# bypass ignore-mailbox. Mailboxes left out are neither created nor copied.
. "$(dirname "$0")/lib_sync.sh"

# fresh: new stores (local "/", remote "."), same layout on the local side.
fresh() {
    rm -rf "$WORKDIR/local" "$WORKDIR/remote" "$DB"
    new_pair / .
    create_mailbox local Work Work/Q1 Work/Q2 "My Box" Other Archive Archive/Old Archives2
    local box
    for box in INBOX Work/Q1 Work/Q2 "My Box" Other Archive Archive/Old Archives2; do
        append_message local "$box" "in $box" "01-Jan-2020 00:00:00 +0000" ''
    done
}
remote_boxes() { store_mailboxes remote | tr '\n' ' '; }

# 1. list-mailbox: a quoted name with a space, a \x00 delimiter, a plain name.
fresh
sync_config 'list-mailbox = INBOX "Work\x00Q1" "My Box"'
sync_ok
assert_eq "$(remote_boxes)" "INBOX My Box Work Work/Q1 " "remote mailboxes with list-mailbox"
assert_eq "$(count_messages remote Work/Q1)" 1
assert_eq "$(count_messages remote "My Box")" 1
assert_eq "$(count_messages remote INBOX)" 1
assert_eq "$(total_messages remote)" 3
assert_eq "$(db_query "$DB" "SELECT hex(mailbox) FROM mailboxes ORDER BY hex(mailbox)" | tr '\n' ' ')" \
    "494E424F58 4D7920426F78 576F726B005131 " "mailboxes recorded with list-mailbox"
# Messages in listed mailboxes still flow; the others stay put.
append_message remote Work/Q1 "reply" "02-Jan-2020 00:00:00 +0000" ''
append_message local Other "more" "02-Jan-2020 00:00:00 +0000" ''
sync_ok
assert_eq "$(count_messages local Work/Q1)" 2
assert_eq "$(total_messages remote)" 4

# 2. list-select-opts = SUBSCRIBED: only subscribed mailboxes.
fresh
subscribe_mailbox local Work/Q2
subscribe_mailbox local Other
sync_config 'list-select-opts = SUBSCRIBED'
sync_ok
assert_eq "$(remote_boxes)" "INBOX Other Work Work/Q2 " "remote mailboxes with SUBSCRIBED"
assert_eq "$(total_messages remote)" 2
assert_eq "$(doveadm_on remote mailbox list -s | LC_ALL=C sort | tr '\n' ' ')" "Other Work.Q2 "
assert_eq "$(db_query "$DB" "SELECT count(*) FROM mailboxes")" 2

# 3. ignore-mailbox: Archive and its children, not Archives2.
fresh
sync_config 'ignore-mailbox = ^Archive(?:\x00|$)'
sync_ok
assert_eq "$(remote_boxes)" "Archives2 INBOX My Box Other Work Work/Q1 Work/Q2 " "remote mailboxes with ignore-mailbox"
assert_eq "$(total_messages remote)" 6
assert_eq "$(db_query "$DB" "SELECT count(*) FROM mailboxes WHERE hex(mailbox) LIKE '41726368697665%'")" 1 "Archive* in the database"

# 4. MAILBOX arguments bypass ignore-mailbox, and only they are synchronised.
sync_ok Archive/Old
assert_contains "$OUT" "remote: Created mailbox Archive.Old"
assert_contains "$OUT" "remote(Archive.Old): Added 1 UID(s) 1 -> 1"
assert_eq "$(count_messages remote Archive/Old)" 1
assert_eq "$(total_messages remote)" 7
# A wildcard argument is passed to the server as is (here, with the
# local delimiter).
sync_ok 'Archive*'
assert_contains "$OUT" "remote(Archive): Added 1 UID(s) 1 -> 1"
assert_eq "$(total_messages remote)" 8
assert_same_content 8

# 5. list-reference on the local side: the remote hierarchy is the local
# "perso/" sub-hierarchy.
fresh
create_mailbox local perso perso/Lists
append_message local perso/Lists "perso list" "03-Jan-2020 00:00:00 +0000" '\Seen'
create_mailbox remote Lists Lists/Debian
append_message remote Lists/Debian "debian" "04-Jan-2020 00:00:00 +0000" ''
append_message remote INBOX "remote inbox" "05-Jan-2020 00:00:00 +0000" ''
sync_config
sed -i '/^\[local\]$/a list-reference = perso/' "$CONF"
sync_ok
assert_contains "$OUT" "local: Created mailbox perso/Lists/Debian"
assert_contains "$OUT" "local: Created mailbox perso/INBOX"
assert_eq "$(remote_boxes)" "INBOX Lists Lists/Debian " "remote mailboxes with a local list-reference"
assert_eq "$(count_messages local perso/Lists/Debian)" 1
assert_eq "$(count_messages local perso/INBOX)" 1
assert_eq "$(count_messages local perso/Lists)" 1
assert_eq "$(count_messages remote Lists)" 1
assert_eq "$(count_messages local INBOX)" 1 "local INBOX, outside the reference"
assert_eq "$(count_messages remote INBOX)" 1 "remote INBOX"
assert_eq "$(db_query "$DB" "SELECT hex(mailbox) FROM mailboxes ORDER BY hex(mailbox)" | tr '\n' ' ')" \
    "494E424F58 4C69737473 4C697374730044656269616E " "mailboxes recorded without the reference"
sync_ok
assert_eq "$(message_lines)" "" "idle run with a list-reference logs about messages"
echo "list options: ok"
