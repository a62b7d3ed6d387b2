#!/bin/bash
# pullimap delivering through Dovecot's LMTP server (dovecot-lmtpd, with
# PIPELINING) into another store: each message lands once, its bytes
# unchanged after the trace headers LMTP adds. A refused recipient stops the
# run with the server's reply: nothing is recorded or marked \Seen, and the
# next run, once the recipient is fixed, delivers everything once.
. "$(dirname "$0")/lib.sh"
: "${PULLIMAP:?PULLIMAP must point to the pullimap binary}"
[ "$(id -u)" = 0 ] || fail "this test starts a Dovecot daemon and must run as root"

new_store remote
mkdir -p "$WORKDIR/messages"
for i in $(seq 1 30); do
    printf 'From: sender@example.org\nTo: alice@example.net\nSubject: message %s\nMessage-ID: <%s@test>\n\n.dot\nBody of %s\n' \
        "$i" "$i" "$i" > "$WORKDIR/messages/$i"
    doveadm_on remote save -m INBOX < "$WORKDIR/messages/$i"
done
start_lmtp_daemon lmtpd

pullimap_config refused "deliver-method = lmtp:[127.0.0.1]:$lmtp_port" "deliver-rcpt = nosuchuser"
status=0; out=$("$PULLIMAP" refused 2>&1) || status=$?
assert_eq "$status" 1 "status when the recipient is refused"
assert_contains "$out" "refused: ERROR: Couldn't deliver UID 1 to lmtp:[127.0.0.1]:$lmtp_port: SMTP error: Expected 250, got: 550"
assert_eq "$(lmtp_files lmtpd | wc -l)" 0 "messages delivered to a refused recipient"
uidvalidity=$(doveadm_on remote -f tab mailbox status uidvalidity INBOX | tail -1 | cut -f2)
assert_eq "$(statefile_words refused)" "$uidvalidity 1" "statefile after a refusal"
assert_eq "$(doveadm_on remote search -- mailbox INBOX SEEN | wc -l)" 0 "messages \\Seen after a refusal"

# Fixed: every message once, pipelined.
sed -i 's/^deliver-rcpt = nosuchuser$/deliver-rcpt = alice/' "$XDG_CONFIG_HOME/pullimap/config"
out=$("$PULLIMAP" --debug refused 2>&1) || fail "run failed: $out"
assert_contains "$out" "PIPELINING"
assert_contains "$out" "refused: C: LHLO localhost.localdomain"
assert_eq "$(lmtp_files lmtpd | wc -l)" 30 "messages delivered through LMTP"
assert_eq "$(statefile_words refused)" "$uidvalidity 31" "statefile after delivery"
assert_eq "$(doveadm_on remote search -- mailbox INBOX SEEN | wc -l)" 30 "messages \\Seen"
# The bytes of message 7 follow LMTP's Return-Path, Delivered-To and
# Received headers unchanged.
cp "$WORKDIR/messages/7" "$WORKDIR/uid7"
found=0
while read -r f; do
    if grep -q "Subject: message 7$" "$f"; then
        found=$((found + 1))
        head -1 "$f" | grep -q '^Return-Path: <sender@example.org>' || fail "no Return-Path in $f"
        tail -c "$(stat -c %s "$WORKDIR/uid7")" "$f" | cmp - "$WORKDIR/uid7" || fail "message 7 was altered"
    fi
done < <(lmtp_files lmtpd)
assert_eq "$found" 1 "copies of message 7"
echo "OK"
