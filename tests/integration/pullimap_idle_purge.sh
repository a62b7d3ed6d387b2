#!/bin/bash
# pullimap --idle picks up a message delivered while it idles, and ends
# with status 0 on SIGTERM; purge-after = 0 empties the mailbox right after
# delivery, purge-after = N removes only messages older than N days (found
# with ESEARCH); a statefile written by Debian's pullimap is continued by
# ours and the other way round, including the UIDs an interrupted run of
# the reference left in it.
. "$(dirname "$0")/lib.sh"
: "${PULLIMAP:?PULLIMAP must point to the pullimap binary}"

new_store remote
# A message delivered during IDLE is noticed at once through inotify, or at
# Dovecot's next check (every 30 s by default) where inotify is short.
echo "mailbox_idle_check_interval = 1 secs" >>"$WORKDIR/remote/dovecot.conf"
for i in 1 2; do add_message remote INBOX "before idle $i"; done
start_smtp_sink
pullimap_config acct "deliver-method = smtp:[127.0.0.1]:$smtp_port" "deliver-rcpt = bob@example.net"

# --idle needs a statefile (a service never starts from scratch): a first
# run makes it. Then IDLE; a new message is delivered at once.
out=$("$PULLIMAP" acct 2>&1) || fail "first run failed: $out"
add_message remote INBOX "before idle 3"
"$PULLIMAP" --idle=20 --debug acct > "$WORKDIR/idle.log" 2>&1 &
idle_pid=$!
on_exit "kill $idle_pid 2>/dev/null"
wait_for 20 bash -c "[ \$(find '$WORKDIR/sink' -name '*.eml' | wc -l) -ge 3 ]" || fail "first pull: $(cat "$WORKDIR/idle.log")"
wait_for 20 grep -q "C: [0-9]* IDLE" "$WORKDIR/idle.log" || fail "no IDLE: $(cat "$WORKDIR/idle.log")"
add_message remote INBOX "while idling"
wait_for 20 bash -c "[ \$(find '$WORKDIR/sink' -name '*.eml' | wc -l) -ge 4 ]" || fail "not picked up while idling: $(cat "$WORKDIR/idle.log")"
grep -q "Subject: while idling" "$WORKDIR/sink/4.eml" || fail "the third message is not the new one"
wait_for 20 bash -c "[ \$(grep -c 'C: [0-9]* IDLE' '$WORKDIR/idle.log') -ge 2 ]" || fail "no IDLE again after the pull"
kill -TERM "$idle_pid"
status=0; wait "$idle_pid" || status=$?
assert_eq "$status" 0 "status after SIGTERM under --idle"
grep -q "C: DONE" "$WORKDIR/idle.log" || fail "IDLE not ended with DONE"
uidvalidity=$(doveadm_on remote -f tab mailbox status uidvalidity INBOX | tail -1 | cut -f2)
assert_eq "$(statefile_words acct)" "$uidvalidity 5" "statefile after --idle"

# purge-after = 0: everything delivered goes.
add_message remote INBOX "to purge at once"
sed -i 's/^deliver-rcpt = bob@example.net$/deliver-rcpt = bob@example.net\npurge-after = 0/' "$XDG_CONFIG_HOME/pullimap/config"
out=$("$PULLIMAP" acct 2>&1) || fail "purge-after = 0 run failed: $out"
assert_eq "$(sink_count)" 5 "messages after the purging run"
assert_eq "$(doveadm_on remote -f tab mailbox status messages INBOX | tail -1 | cut -f2)" 0 "messages left after purge-after = 0"

# purge-after = 30: two messages of 2020 (maildir mtime is their
# INTERNALDATE) go, a recent one stays.
sed -i 's/^purge-after = 0$/purge-after = 30/' "$XDG_CONFIG_HOME/pullimap/config"
for i in 1 2; do
    f="$WORKDIR/remote/Mail/new/old$i.eml"
    printf 'From: old@example.org\nSubject: old %s\nMessage-ID: <old%s@test>\n\nold\n' "$i" "$i" > "$f"
    touch -d "2020-01-0$i 12:00:00 UTC" "$f"
    [ "$(id -u)" = 0 ] && chown nobody:nogroup "$f"
done
add_message remote INBOX "recent"
out=$("$PULLIMAP" --debug acct 2>&1) || fail "purge-after = 30 run failed: $out"
assert_contains "$out" "UID SEARCH RETURN (ALL) UID 1:8 BEFORE "
assert_contains "$out" "acct(INBOX): Removing 2 UID(s) "
assert_eq "$(sink_count)" 8 "messages after the purge-after = 30 run"
assert_eq "$(doveadm_on remote -f tab mailbox status messages INBOX | tail -1 | cut -f2)" 1 "messages left after purge-after = 30"
assert_eq "$(doveadm_on remote search -- mailbox INBOX SUBJECT recent | wc -l)" 1 "the recent message kept"

# Interoperation with Debian's pullimap on the same statefile.
new_store other
pullimap_config ref "command = $(imap_command other)" "deliver-method = smtp:[127.0.0.1]:$smtp_port" "deliver-rcpt = bob@example.net"
sed -i "/^\[ref\]/,\$ { /^command = .*remote/d }" "$XDG_CONFIG_HOME/pullimap/config"
for i in 1 2 3; do add_message other INBOX "other $i"; done
out=$(/usr/bin/pullimap ref 2>&1) || fail "reference run failed: $out"
assert_eq "$(sink_count)" 11 "messages after the reference's run"
for i in 4 5; do add_message other INBOX "other $i"; done
out=$("$PULLIMAP" ref 2>&1) || fail "our run after the reference failed: $out"
assert_contains "$out" "ref(INBOX): UID 4 from"
assert_not_contains "$out" "UID 3 from"
assert_eq "$(sink_count)" 13 "messages after our run"
add_message other INBOX "other 6"
out=$(/usr/bin/pullimap ref 2>&1) || fail "reference run after ours failed: $out"
assert_eq "$(sink_count)" 14 "messages after the reference continued ours"
# The reference was interrupted after delivering UIDs 7 and 9 of 7-9: ours
# delivers 8 only, and marks all three \Seen.
for i in 7 8 9; do add_message other INBOX "other $i"; done
ref_validity=$(doveadm_on other -f tab mailbox status uidvalidity INBOX | tail -1 | cut -f2)
printf "$(printf '\\x%02x' $((ref_validity >> 24 & 255)) $((ref_validity >> 16 & 255)) $((ref_validity >> 8 & 255)) $((ref_validity & 255)))\x00\x00\x00\x07\x00\x00\x00\x07\x00\x00\x00\x09" \
    > "$XDG_DATA_HOME/pullimap/ref"
out=$("$PULLIMAP" ref 2>&1) || fail "our run on an interrupted statefile failed: $out"
assert_contains "$out" "ref(INBOX): UID 8 from"
assert_not_contains "$out" "UID 7 from"
assert_not_contains "$out" "UID 9 from"
assert_eq "$(sink_count)" 15 "messages after the interrupted statefile"
assert_eq "$(statefile_words ref)" "$ref_validity 10" "statefile after the interrupted run"
assert_eq "$(doveadm_on other search -- mailbox INBOX UNSEEN | wc -l)" 0 "unseen messages left"
echo "OK"
