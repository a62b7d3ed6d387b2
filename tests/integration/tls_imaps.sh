#!/bin/bash
# interimap over TLS (type = imaps) against a real Dovecot daemon on loopback
# with ssl = required: a full synchronisation both ways with the server's
# certificate verified against a test CA (SSL_CAfile); then the server
# presents a certificate for another name: the run fails with one clear
# error and changes nothing; a pinned key (SSL_fingerprint) with
# SSL_verify = NO is refused when it does not match, accepted when it does.
# STARTTLS (type = imap) on the daemon's plaintext port goes through the
# same plugin.
. "$(dirname "$0")/lib.sh"

grep -q '^  tls (transport): ' <<<"$("$INTERIMAP" --version)" || fail "--version lists no tls plugin"

# Two free ports on 127.0.0.1: imaps, and imap with STARTTLS.
port=$(free_port)
daemon_port=$(free_port "$port") starttls_port=$daemon_port

certs="$WORKDIR/certs"
bash "$(dirname "$0")/../transports/tls/make_test_certs.sh" "$certs"

d="$WORKDIR/daemon"
dovecot_tls_settings "$certs" server "$port"
start_dovecot_daemon daemon "${TLS_SETTINGS[@]}"
wait_for 10 port_open "$port" || fail "dovecot does not listen on $port"

# The subject of the certificate the daemon presents.
presented() {
    openssl s_client -connect "127.0.0.1:$port" -servername localhost </dev/null 2>/dev/null |
        openssl x509 -noout -subject 2>/dev/null
}

seed_local_store

# config NAME [OPTION=VALUE...]: a configuration with the daemon as remote.
config() {
    local name=$1; shift
    daemon_client_config "$name" "$WORKDIR/tls.db" "host = localhost" "username = alice" "password = s3cret-pass" "$@"
}
remote_count() { daemon_count daemon "$1"; }
state() { { sqlite3 "$WORKDIR/tls.db" .dump; find "$d/mail/alice/Mail" | sort; mailboxes local; local_count INBOX; } 2>/dev/null; }

# Verified against the test CA: everything reaches the daemon's store.
config verified "type = imaps" "port = $port" "SSL_CAfile = $certs/ca.pem"
sync_both_ways daemon verified
assert_contains "$out" "remote: Using SNI with name localhost"
assert_contains "$out" "remote: SSL protocol: TLSv1."
assert_eq "$(db_query "$WORKDIR/tls.db" 'SELECT count(*) FROM mailboxes')" 2

# STARTTLS on the plaintext port, verified the same way.
config starttls "type = imap" "port = $starttls_port" "SSL_CAfile = $certs/ca.pem"
add_message local INBOX "over STARTTLS"
out=$("$INTERIMAP" --config="$WORKDIR/starttls.conf" --debug 2>&1) || fail "STARTTLS run failed: $out"
assert_contains "$out" "remote: C: 000000 STARTTLS"
assert_contains "$out" "remote: SSL protocol: TLSv1."
assert_eq "$(remote_count .)" 5 "messages in the daemon's INBOX after the STARTTLS run"

# The daemon now presents a certificate for another name.
dovecot_tls_settings "$certs" wrong "$port"
dovecot_daemon_conf daemon "${TLS_SETTINGS[@]}"
doveadm -c "$d/dovecot.conf" reload
presents_wrong() { [ "$(presented)" = "subject=CN = wrong.example" ]; }
wait_for 10 presents_wrong || fail "the daemon still presents $(presented)"
add_message local INBOX "after the certificate change"
before=$(state)
status=0
out=$("$INTERIMAP" --config="$WORKDIR/verified.conf" 2>&1) || status=$?
assert_eq "$status" 1 "exit status with a certificate for another name"
assert_contains "$out" "remote: ERROR: TLS handshake with localhost:$port (127.0.0.1:$port) failed: certificate verify failed for localhost: hostname mismatch (subject \"CN=wrong.example\", for DNS:wrong.example)"
assert_eq "$(grep -c ERROR <<<"$out")" 1 "error lines"
assert_eq "$(state)" "$before" "state after the refused connection"

# A pin that does not match: refused, naming the key the server presented.
config pinned-other "type = imaps" "port = $port" "SSL_verify = NO" "SSL_fingerprint = $(cat "$certs/server.sha256")"
status=0
out=$("$INTERIMAP" --config="$WORKDIR/pinned-other.conf" 2>&1) || status=$?
assert_eq "$status" 1 "exit status with a pin that does not match"
assert_contains "$out" "the server's key matches no SSL_fingerprint (man-in-the-middle?): the server presented sha256\$$(cat "$certs/wrong.sha256"), expected sha256\$$(cat "$certs/server.sha256")"
assert_eq "$(state)" "$before" "state after the refused pin"

# The right pin without verification: the new message goes through.
config pinned "type = imaps" "port = $port" "SSL_verify = NO" "SSL_fingerprint = sha1\$$(cat "$certs/server.sha1") sha256\$$(cat "$certs/wrong.sha256")"
out=$("$INTERIMAP" --config="$WORKDIR/pinned.conf" 2>&1) || fail "pinned run failed: $out"
assert_eq "$(remote_count .)" 6 "messages in the daemon's INBOX after the pinned run"
echo "tls imaps: ok"
