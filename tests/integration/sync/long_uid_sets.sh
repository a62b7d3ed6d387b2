#!/bin/bash
# Long UID sets are split: a flag change on every other message of 3,000 and
# an expunge of every fourth make sets of several kilobytes, which go out in
# several commands of bounded length (seen in the --debug transcript); the
# commands cover exactly the UIDs meant, each once, the UID EXPUNGEs wait for
# the STOREs of \Deleted, and the stores end equal.
# The line lengths are our design; the outcome was checked against Debian's
# interimap too (INTERIMAP=/usr/bin/interimap LONG_SETS_OUTCOME_ONLY=1).
. "$(dirname "$0")/lib_sync.sh"

# Longest command line we accept: the 1,000-character set and the command
# around it (tag, UID STORE, UNCHANGEDSINCE and a flag list).
MAX_LINE=1200

new_pair
append_messages remote INBOX 3000 "msg" "01-Jan-2021 00:00:00 +0000" ""
sync_ok
assert_same_content 3000

odd=$(seq -s, 1 2 2999)
every_fourth=$(seq -s, 4 4 3000)
doveadm_on local flags add '\Flagged' mailbox INBOX uid "$odd"
doveadm_on remote expunge mailbox INBOX uid "$every_fourth"

sync_ok --debug

# uids_sent SIDE REGEX: the UIDs of every command to SIDE whose text after
# the tag matches "UID VERB SET ..." (REGEX matches VERB and what follows the
# set), one per line, as sent (a UID twice if sent twice).
uids_sent() {
    grep -E "^$1: C: [0-9]+ UID " <<<"$OUT" | RE=$2 perl -ne '
        next unless /^\S+: C: \d+ UID (\S+) ([0-9:,]+)(?: (.*))?$/;
        my ($verb, $set, $rest) = ($1, $2, $3 // "");
        next unless "$verb $rest" =~ /$ENV{RE}/;
        for (split /,/, $set) { my ($lo, $hi) = split /:/; $hi //= $lo;
            ($lo, $hi) = ($hi, $lo) if $lo > $hi; print "$_\n" for $lo .. $hi; }'
}

if [ -z "${LONG_SETS_OUTCOME_ONLY:-}" ]; then
    long=$(grep -E "^(local|remote): C: " <<<"$OUT" | awk -v max=$MAX_LINE 'length($0) > max && n++ < 3')
    [ -z "$long" ] || fail "command lines longer than $MAX_LINE characters: $(cut -c1-200 <<<"$long")"

    stores=$(grep -cE '^remote: C: [0-9]+ UID STORE .*FLAGS\.SILENT \(\\Flagged\)$' <<<"$OUT" || true)
    [ "$stores" -gt 1 ] || fail "1,500 flag updates went in $stores UID STORE"
    flagged=$(uids_sent remote 'STORE .*FLAGS\.SILENT \(\\Flagged\)$' | sort -n)
    assert_eq "$(uniq <<<"$flagged" | wc -l)" 1500 "UIDs whose flags were sent to the remote"
    assert_eq "$(uniq -d <<<"$flagged" | wc -l)" 0 "UIDs sent twice"

    deleted=$(uids_sent local 'STORE \+FLAGS\.SILENT \(\\Deleted\)$' | sort -n)
    expunged=$(uids_sent local '^EXPUNGE $' | sort -n)
    [ "$(grep -cE '^local: C: [0-9]+ UID EXPUNGE ' <<<"$OUT")" -gt 1 ] || fail "750 expunges went in one UID EXPUNGE"
    assert_eq "$(wc -l <<<"$deleted")" 750 "UIDs marked \\Deleted on the local server"
    # An EXPUNGE depends on the STOREs: none is sent before they are
    # answered (Dovecot runs a pipelined UID STORE and UID EXPUNGE side by
    # side, and the EXPUNGE then leaves messages behind).
    last_store_tag=$(grep -E '^local: C: [0-9]+ UID STORE .*\\Deleted' <<<"$OUT" | tail -1 | awk '{ print $3 }')
    first_expunge=$(grep -m1 -nE '^local: C: [0-9]+ UID EXPUNGE ' <<<"$OUT" | cut -d: -f1)
    store_done=$(grep -nE "^local: S: $last_store_tag OK" <<<"$OUT" | cut -d: -f1)
    [ -n "$first_expunge" ] && [ -n "$store_done" ] && [ "$first_expunge" -gt "$store_done" ] ||
        fail "a UID EXPUNGE was sent before the STOREs were answered (line $first_expunge, answer at $store_done)"
    [ "$expunged" = "$deleted" ] || fail "the UIDs expunged are not those marked \\Deleted:$(echo; diff <(echo "$deleted") <(echo "$expunged") | sed 10q || true)"
fi

assert_same_content 2250
flagged_count=$(doveadm_on remote search mailbox INBOX FLAGGED | wc -l)
assert_eq "$flagged_count" 1500 "flagged messages on the remote"
assert_eq "$(mapping_count)" 2250 "mapping rows"
