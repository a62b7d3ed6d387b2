#!/bin/bash
# interimap against a real Dovecot daemon on loopback over plain TCP (TLS is
# tested with the TLS plugin): AUTHENTICATE PLAIN with SASL-IR, the LOGIN
# command, a wrong password, and credentials kept out of the debug log unless
# --debug is given twice.
. "$(dirname "$0")/lib.sh"
start_dovecot_daemon daemon
d="$WORKDIR/daemon" port=$daemon_port

new_store local / maildir
doveadm_on local mailbox create -s Projects

# config NAME AUTH PASSWORD
config() {
    daemon_client_config "$1" "$WORKDIR/$1.db" "type = imap" "host = 127.0.0.1" "port = $port" \
        "STARTTLS = NO" "auth = $2" "username = alice" "password = $3"
}

# PLAIN, inline thanks to SASL-IR; the mailbox reaches the daemon's store.
config plain PLAIN s3cret-pass
out=$("$INTERIMAP" --config="$WORKDIR/plain.conf" --debug 2>&1) || fail "PLAIN run failed: $out"
assert_contains "$out" "remote: C: 000000 AUTHENTICATE PLAIN [REDACTED]"
assert_contains "$out" "remote: Created mailbox Projects"
assert_not_contains "$out" "s3cret-pass"
assert_not_contains "$out" "$(printf '\0alice\0s3cret-pass' | base64)"
[ -d "$d/mail/alice/Mail/.Projects" ] || fail "Projects was not created in the daemon's store"

# Twice --debug shows what was sent.
out=$("$INTERIMAP" --config="$WORKDIR/plain.conf" --debug --debug 2>&1) || fail "PLAIN run failed: $out"
assert_contains "$out" "AUTHENTICATE PLAIN $(printf '\0alice\0s3cret-pass' | base64)"

# The LOGIN command.
config login LOGIN s3cret-pass
out=$("$INTERIMAP" --config="$WORKDIR/login.conf" --debug 2>&1) || fail "LOGIN run failed: $out"
assert_contains "$out" "remote: C: 000000 LOGIN [REDACTED]"
assert_not_contains "$out" "s3cret-pass"

# A wrong password: one error line, exit 1, nothing recorded.
config wrong "PLAIN LOGIN" not-the-password
status=0
out=$("$INTERIMAP" --config="$WORKDIR/wrong.conf" 2>&1) || status=$?
assert_eq "$status" 1 "exit status with a wrong password"
assert_contains "$out" "remote: ERROR: Authentication failed"
assert_not_contains "$out" "not-the-password"
assert_eq "$(db_query "$WORKDIR/wrong.db" 'SELECT count(*) FROM mailboxes')" 0
echo "daemon auth: ok"
