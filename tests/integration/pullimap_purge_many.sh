#!/bin/bash
# purge-after removes every old message even when they are many and
# scattered: 2,000 messages, every other one from 2020, give UID sets of
# several kilobytes, cut into several UID STOREs and UID EXPUNGEs; each
# EXPUNGE goes once the STOREs' \Deleted are in (Dovecot would otherwise run
# them side by side and leave messages behind).
. "$(dirname "$0")/lib.sh"
: "${PULLIMAP:?PULLIMAP must point to the pullimap binary}"

new_store remote
mkdir -p "$WORKDIR/remote/Mail/new"
for i in $(seq 1 2000); do
    f="$WORKDIR/remote/Mail/new/m$i.eml"
    printf 'From: a@example.org\nSubject: message %s\nMessage-ID: <m%s@test>\n\nbody %s\n' "$i" "$i" "$i" > "$f"
    # Maildir mtime is the INTERNALDATE: odd messages are from 2020.
    if [ $((i % 2)) = 1 ]; then touch -d "2020-01-01 12:00:00 UTC" "$f"; fi
done
[ "$(id -u)" = 0 ] && chown -R nobody:nogroup "$WORKDIR/remote"
# Dovecot gives UIDs in the order it lists new/: have it list them now, and
# note which UIDs are the old ones.
old_uids=$(doveadm_on remote search mailbox INBOX BEFORE 2021-01-01 | awk '{ print $2 }' | sort -n)
assert_eq "$(wc -l <<<"$old_uids")" 1000 "old messages"

start_smtp_sink
pullimap_config acct "deliver-method = smtp:[127.0.0.1]:$smtp_port" "deliver-rcpt = bob@example.net" \
    "purge-after = 30"
out=$("$PULLIMAP" --debug acct 2>&1) || fail "pullimap failed: $(tail -5 <<<"$out")"
assert_eq "$(sink_count)" 2000 "messages delivered"

stores=$(grep -cE '^acct: C: [0-9]+ UID STORE [0-9,:]+ \+FLAGS\.SILENT \(\\Deleted\)$' <<<"$out" || true)
[ "$stores" -gt 1 ] || fail "1,000 scattered UIDs went in $stores UID STORE"
# No UID EXPUNGE before the last STORE's answer.
last_store_tag=$(grep -E '^acct: C: [0-9]+ UID STORE .*\\Deleted' <<<"$out" | tail -1 | awk '{ print $3 }')
# grep -m1, not "| head -1": head's early exit would kill grep with SIGPIPE,
# and pipefail would fail the test on a loaded machine.
first_expunge=$(grep -m1 -nE '^acct: C: [0-9]+ UID EXPUNGE ' <<<"$out" | cut -d: -f1)
store_done=$(grep -nE "^acct: S: $last_store_tag OK" <<<"$out" | cut -d: -f1)
[ -n "$first_expunge" ] && [ -n "$store_done" ] && [ "$first_expunge" -gt "$store_done" ] ||
    fail "a UID EXPUNGE was sent before the STOREs were answered (line $first_expunge, answer at $store_done)"

assert_eq "$(doveadm_on remote search mailbox INBOX ALL | wc -l)" 1000 "messages left"
assert_eq "$(doveadm_on remote search mailbox INBOX BEFORE 2021-01-01 | wc -l)" 0 "old messages left"
assert_eq "$(doveadm_on remote search mailbox INBOX DELETED | wc -l)" 0 "messages left marked \\Deleted"
echo "OK"
