#!/bin/bash
# How a copy drives the two servers, seen in the --debug transcript. These
# are our design, not the reference's behaviour (it fetches and appends one
# batch at a time):
#  - a one-way copy asks for all its bodies at once, one UID FETCH per set,
#    without first asking for every message's RFC822.SIZE;
#  - copies of several mailboxes into one server leave it in each mailbox
#    once: a copy's last batch is appended before the next copy's first, so
#    the target never SELECTs back;
#  - copies both ways in one mailbox take the windowed path (sizes first,
#    chunk after chunk), both of them, and end equal, each message once;
#  - a copy into a server that is sending bodies asked for all at once asks
#    for none until they are in: its APPENDs would wait behind all of them.
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
for side in local remote; do
    assert_contains "$OUT" "$side: C: " "no command to $side"
    grep -qE "^$side: C: [0-9]+ UID FETCH .* \(RFC822\.SIZE\)$" <<<"$OUT" ||
        fail "the copy from $side did not size its chunks"
done
assert_eq "$(added_count "remote(Alpha)")" 200 "messages added to the remote Alpha"
assert_eq "$(added_count "local(Alpha)")" 200 "messages added to the local Alpha"
assert_same_content 1000
assert_eq "$(count_duplicates local)" 0 "duplicates on the local server"
assert_eq "$(mapping_count Alpha)" 700 "Alpha mapping rows"

# Opposite ways in two mailboxes: the copy that starts first asks for
# everything at once; the other asks for nothing until that is in.
append_messages local Alpha 200 "local only"
append_messages remote Beta 200 "remote only"
sync_ok --debug
body_fetches=$(grep -nE "^(local|remote): C: [0-9]+ UID FETCH .*BODY\.PEEK\[\]\)$" <<<"$OUT")
first=$(head -n 1 <<<"$body_fetches")
first_side=$(sed -E 's/^[0-9]+:([a-z]+): .*/\1/' <<<"$first")
first_tag=$(sed -E 's/^[0-9]+:[a-z]+: C: ([0-9]+) .*/\1/' <<<"$first")
done_line=$(grep -nE "^$first_side: S: $first_tag OK" <<<"$OUT" | cut -d: -f1)
[ -n "$done_line" ] || fail "no answer to the first body FETCH: $first"
other_side=local
[ "$first_side" = local ] && other_side=remote
while IFS= read -r fetch; do
    case $fetch in [0-9]*:"$other_side: C: "*) ;; *) continue ;; esac
    [ "${fetch%%:*}" -gt "$done_line" ] ||
        fail "the copy from $other_side asked for bodies while $first_side sent all of its own: $fetch"
done <<<"$body_fetches"
grep -qE "^$other_side: C: [0-9]+ UID FETCH .*BODY\.PEEK\[\]\)$" <<<"$OUT" || fail "no copy from $other_side"
assert_eq "$(added_count "remote(Alpha)")" 200 "messages added to the remote Alpha"
assert_eq "$(added_count "local(Beta)")" 200 "messages added to the local Beta"
assert_same_content 1400
assert_eq "$(count_duplicates local)" 0 "duplicates on the local server"
assert_eq "$(count_duplicates remote)" 0 "duplicates on the remote server"

sync_ok
assert_eq "$(message_lines)" "" "last run logs about messages"
echo "copy pipeline: ok"
