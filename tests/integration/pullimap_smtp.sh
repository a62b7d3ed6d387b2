#!/bin/bash
# pullimap against a real SMTP server (aiosmtpd): messages of every shape
# (dot-stuffing, 8-bit text, a 2 MB attachment, an unusual sender) arrive
# byte for byte with the envelope the manual describes; the statefile is the
# reference's (UIDVALIDITY, UIDNEXT, mode 0600); delivered messages are
# \Seen; a second run delivers nothing; new mail is pulled; --no-delivery
# only records; a changed UIDVALIDITY, a locked statefile, a missing
# statefile under --idle, a missing section and a bad option are refused
# with the reference's messages and statuses.
. "$(dirname "$0")/lib.sh"
: "${PULLIMAP:?PULLIMAP must point to the pullimap binary}"

new_store remote
msgdir="$WORKDIR/messages"
mkdir -p "$msgdir"
printf 'From: Alice <alice@example.org>\nTo: bob@example.net\nSubject: dots\nMessage-ID: <dots@test>\n\n.leading dot\n..two dots\n.\nend\n' > "$msgdir/1"
printf 'From: =?UTF-8?Q?J=C3=BCrgen?= <jurgen@example.org>\nTo: bob@example.net\nSubject: 8bit\nMessage-ID: <8bit@test>\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nGr\xc3\xbc\xc3\x9fe aus K\xc3\xb6ln\n' > "$msgdir/2"
{
    printf 'From: big@example.org\nTo: bob@example.net\nSubject: big\nMessage-ID: <big@test>\n\n'
    head -c 1500000 /dev/urandom | base64 -w 76
} > "$msgdir/3"
printf 'From: "odd sender"@example.org\nTo: bob@example.net\nSubject: quoted local part\nMessage-ID: <odd@test>\n\nhi\n' > "$msgdir/4"
for i in 1 2 3 4; do doveadm_on remote save -m INBOX < "$msgdir/$i"; done

start_smtp_sink
pullimap_config acct "deliver-method = smtp:[127.0.0.1]:$smtp_port" "deliver-rcpt = bob@example.net" \
    "deliver-ehlo = puller.example.net"

out=$("$PULLIMAP" acct 2>&1) || fail "first run failed: $out"
assert_contains "$out" "acct(INBOX): UID 1 from <alice@example.org> ("
assert_contains "$out" "acct(INBOX): UID 4 from <\"odd sender\"@example.org> ("
assert_contains "$out" "acct: IMAP traffic (bytes): recv "
assert_eq "$(sink_count)" 4 "messages delivered"
# Each message, as Dovecot serves it (CRLF), arrives unchanged, in order.
for i in 1 2 3 4; do
    sed 's/$/\r/' "$msgdir/$i" | cmp - "$WORKDIR/sink/$i.eml" || fail "message $i was altered"
done
assert_eq "$(head -1 "$WORKDIR/sink/1.env")" "alice@example.org" "envelope sender"
assert_eq "$(sed -n 2p "$WORKDIR/sink/1.env")" "bob@example.net" "envelope recipient"
assert_eq "$(head -1 "$WORKDIR/sink/4.env")" '"odd sender"@example.org' "quoted envelope sender"

state="$XDG_DATA_HOME/pullimap/acct"
uidvalidity=$(doveadm_on remote -f tab mailbox status uidvalidity INBOX | tail -1 | cut -f2)
assert_eq "$(statefile_words acct)" "$uidvalidity 5" "statefile: UIDVALIDITY and UIDNEXT"
assert_eq "$(stat -c %a "$state")" 600 "statefile mode"
seen=$(doveadm_on remote search -- mailbox INBOX SEEN | wc -l)
assert_eq "$seen" 4 "messages marked \\Seen"

out=$("$PULLIMAP" acct 2>&1) || fail "second run failed: $out"
assert_not_contains "$out" "UID "
assert_eq "$(sink_count)" 4 "messages after a run with nothing new"

add_message remote INBOX "fifth"
out=$("$PULLIMAP" --quiet acct 2>&1) || fail "third run failed: $out"
assert_eq "$out" "" "--quiet output"
assert_eq "$(sink_count)" 5 "messages after new mail"
assert_eq "$(statefile_words acct)" "$uidvalidity 6" "statefile after new mail"

# --no-delivery records without delivering (a fresh statefile).
pullimap_config fresh "deliver-method = smtp:[127.0.0.1]:$smtp_port" "deliver-rcpt = bob@example.net"
out=$("$PULLIMAP" --no-delivery fresh 2>&1) || fail "--no-delivery failed: $out"
assert_contains "$out" "fresh(INBOX): UID 5 from <sender@example.org>"
assert_eq "$(sink_count)" 5 "messages after --no-delivery"
assert_eq "$(statefile_words fresh)" "$uidvalidity 6" "statefile after --no-delivery"

# A UIDVALIDITY that changed stops the run before anything is delivered.
printf '\x00\x00\x00\x05\x00\x00\x00\x02' > "$state"
status=0; out=$("$PULLIMAP" acct 2>&1) || status=$?
assert_eq "$status" 1 "status for a changed UIDVALIDITY"
assert_contains "$out" "acct: ERROR: UIDVALIDITY changed! (5 != $uidvalidity)  Need to invalidate the UID cache for INBOX."
assert_eq "$(statefile_hex acct)" "0000000500000002" "statefile after the UIDVALIDITY error"
assert_eq "$(sink_count)" 5 "messages after the UIDVALIDITY error"
printf "$(printf '\\x%02x' $((uidvalidity >> 24 & 255)) $((uidvalidity >> 16 & 255)) $((uidvalidity >> 8 & 255)) $((uidvalidity & 255)))\x00\x00\x00\x06" > "$state"

# A second instance fails at once on the lock, as the reference's does.
exec 9<>"$state"
flock_pid=""
python3 -c 'import fcntl, sys, time; fcntl.lockf(9, fcntl.LOCK_EX); print("locked", flush=True); time.sleep(30)' 9<>"$state" > "$WORKDIR/locker.out" &
flock_pid=$!
on_exit "kill $flock_pid 2>/dev/null"
wait_for 10 grep -q locked "$WORKDIR/locker.out" || fail "could not lock the statefile"
status=0; out=$("$PULLIMAP" acct 2>&1) || status=$?
assert_eq "$status" 11 "status for a locked statefile"
assert_eq "$out" "Can't lock $state: Resource temporarily unavailable"
kill "$flock_pid"; wait "$flock_pid" 2>/dev/null || true
exec 9>&-

# Under --idle a statefile is never created.
pullimap_config nostate "deliver-method = smtp:[127.0.0.1]:$smtp_port"
status=0; out=$("$PULLIMAP" --idle nostate 2>&1) || status=$?
assert_eq "$status" 2 "status for a missing statefile under --idle"
assert_contains "$out" "Can't open $XDG_DATA_HOME/pullimap/nostate: No such file or directory"

status=0; out=$("$PULLIMAP" nosuch 2>&1) || status=$?
assert_eq "$status" 255 "status for a missing section"
assert_eq "$out" "No such section nosuch"
status=0; out=$("$PULLIMAP" --bogus acct 2>&1) || status=$?
assert_eq "$status" 1 "status for an unknown option"
assert_contains "$out" "Unknown option: bogus"
status=0; out=$("$PULLIMAP" acct extra 2>&1) || status=$?
assert_eq "$status" 1 "status for two sections"
assert_contains "$out" "Usage: pullimap [OPTIONS] SECTION"
echo "foo = bar" >> "$XDG_CONFIG_HOME/pullimap/config"
status=0; out=$("$PULLIMAP" nostate 2>&1) || status=$?
assert_eq "$status" 255 "status for an unknown option in the section"
assert_contains "$out" "foo"
echo "OK"
