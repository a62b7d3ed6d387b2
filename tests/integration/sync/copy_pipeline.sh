#!/bin/bash
# How a copy drives the two servers, seen in the --debug transcript. These
# are our design, not the reference's behaviour (it fetches and appends one
# batch at a time):
#  - a one-way copy asks for all its bodies at once, one UID FETCH per set,
#    without first asking for every message's RFC822.SIZE;
#  - copies of several mailboxes into one server leave it in each mailbox
#    once: a copy's last batch is appended before the next copy's first, so
#    the target never SELECTs back;
#  - copies both ways in one mailbox still take the windowed path (sizes
#    first, chunk after chunk) and end equal, each message once.
. "$(dirname "$0")/lib_sync.sh"

new_pair / .
create_mailbox remote Alpha
create_mailbox remote Beta
append_messages remote Alpha 300 "alpha"
append_messages remote Beta 300 "beta"

sync_ok --debug
assert_not_contains "$OUT" "RFC822.SIZE" "a one-way copy fetched sizes first"
for box in Alpha Beta; do
    fetches=$(grep -cE "^remote: C: [0-9]+ UID FETCH 1:300 \(MODSEQ FLAGS INTERNALDATE BODY\.PEEK\[\]\)$" <<<"$OUT" || true)
    assert_eq "$fetches" 2 "one UID FETCH of bodies per mailbox"
    selects=$(grep -cE "^local: C: [0-9]+ SELECT $box( |$)" <<<"$OUT" || true)
    # One SELECT to check the mailbox, one to append to it; a copy's last
    # batch sent after the next copy's first would need a third.
    assert_eq "$selects" 2 "SELECTs of $box on the local server"
    assert_eq "$(added_count "local($box)")" 300 "messages added to $box"
done
assert_same_content 600
assert_eq "$(mapping_count)" 600 "mapping rows"

# Both ways in one mailbox, more than one batch each: the windowed path.
append_messages local Alpha 200 "local alpha"
append_messages remote Alpha 200 "remote alpha"
sync_ok --debug
assert_contains "$OUT" "(RFC822.SIZE)" "copies both ways sized their chunks"
assert_eq "$(added_count "remote(Alpha)")" 200 "messages added to the remote Alpha"
assert_eq "$(added_count "local(Alpha)")" 200 "messages added to the local Alpha"
assert_same_content 1000
assert_eq "$(count_duplicates local)" 0 "duplicates on the local server"
assert_eq "$(mapping_count Alpha)" 700 "Alpha mapping rows"

sync_ok
assert_eq "$(message_lines)" "" "last run logs about messages"
echo "copy pipeline: ok"
