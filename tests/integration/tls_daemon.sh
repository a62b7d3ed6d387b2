#!/bin/bash
# TLS options against a real Dovecot daemon on loopback (type = imaps,
# ssl = required, ssl_min_protocol = TLSv1.3), what tls_imaps.sh leaves out:
# (a) a self-signed certificate accepted with SSL_verify = NO, refused by
# default; (b) SSL_protocol_max = TLSv1.2 refused by the server (one error,
# nothing changed), SSL_protocol_min = TLSv1.3 accepted; (c) the cipher suite
# of SSL_ciphersuites is the one the server logs; (d) SNI: Dovecot presents
# its local_name certificate only to SSL_hostname, and not to a client that
# sends no SNI; (e) AUTHENTICATE PLAIN without SASL-IR (continuation, with
# the credentials redacted); (f) COMPRESS=DEFLATE on and off over imaps, and
# what it saves on a few hundred text messages.
. "$(dirname "$0")/lib.sh"

# imaps; and the plaintext listener of start_dovecot_daemon, elsewhere.
port=$(free_port)
# shellcheck disable=SC2034 # read by start_dovecot_daemon
daemon_port=$(free_port "$port")

certs="$WORKDIR/certs"
bash "$(dirname "$0")/../transports/tls/make_test_certs.sh" "$certs"
# The certificate Dovecot presents for SNI sni.example (self-signed: only its
# key is pinned).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj /CN=sni.example -addext subjectAltName=DNS:sni.example \
    -keyout "$certs/sni.key" -out "$certs/sni.pem" 2>/dev/null
openssl pkey -in "$certs/sni.key" -pubout -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1 > "$certs/sni.sha256"

# Dovecot's capabilities after login without SASL-IR, and with the
# COMPRESS=DEFLATE that imap_zlib no longer adds to an explicit list: given
# explicitly, they are also what imap-login advertises before authentication.
new_store local / maildir
capabilities=$(echo "a CAPABILITY" | imap_on local 2>/dev/null | sed -n 's/^\* CAPABILITY //p' | sed 's/ SASL-IR//')
capabilities+=" COMPRESS=DEFLATE"
assert_contains "$capabilities" "QRESYNC" "Dovecot's capabilities"

# The default certificate is self-signed; %k logs the protocol and cipher.
dovecot_tls_settings "$certs" self "$port"
start_dovecot_daemon daemon "${TLS_SETTINGS[@]}" \
    "ssl_min_protocol = TLSv1.3" \
    "login_log_format_elements = user=<%u> method=%m rip=%r lip=%l mpid=%e %c %k session=<%{session}>" \
    "mail_plugins = \$mail_plugins zlib" \
    "protocol imap {" "  mail_plugins = \$mail_plugins imap_zlib" "  imap_capability = $capabilities" "}" \
    "local_name sni.example {" "  ssl_cert = <$certs/sni.pem" "  ssl_key = <$certs/sni.key" "}"
d="$WORKDIR/daemon"
wait_for 10 port_open "$port" || fail "dovecot does not listen on $port"

doveadm_on local mailbox create -s Projects
add_message local INBOX "inbox 1"
add_message local Projects "project 1"

# config NAME [OPTION=VALUE...]: the daemon as remote over imaps.
remote=("type = imaps" "host = localhost" "port = $port" "username = alice" "password = s3cret-pass")
config() { daemon_client_config "$1" "$WORKDIR/tls.db" "${remote[@]}" "${@:2}"; }
# run NAME [ARG...]: interimap on NAME.conf; output in $out, status in $status.
run() {
    local name=$1; shift
    status=0
    out=$("$INTERIMAP" --config="$WORKDIR/$name.conf" "$@" 2>&1) || status=$?
}
run_ok() { run "$@"; [ "$status" = 0 ] || fail "$1 run exited $status: $out"; }
run_fails() {
    run "$@"
    assert_eq "$status" 1 "exit status of the $1 run"
    assert_eq "$(grep -c ERROR <<<"$out")" 1 "error lines of the $1 run: $out"
}
# The database's rows (the schema may be written before connecting), the
# daemon's files and the local mailboxes.
state() {
    { for table in mailboxes local remote mapping; do sqlite3 "$WORKDIR/tls.db" "SELECT * FROM $table"; done
      find "$d/mail/alice/Mail" | sort; mailboxes local; } 2>/dev/null
}
# mark_log, then logged_since: what Dovecot logged in between.
mark_log() { log_mark=$(wc -l < "$d/dovecot.log"); }
logged_since() { tail -n +"$((log_mark + 1))" "$d/dovecot.log"; }
logged() { grep -qF -- "$1" <<<"$(logged_since)"; }
self_pin="SSL_fingerprint = $(cat "$certs/self.sha256")"

# (a) The self-signed certificate: refused when verified (default CAs)...
config verified
before=$(state)
run_fails verified
assert_contains "$out" "remote: ERROR: TLS handshake with localhost:$port (127.0.0.1:$port) failed: certificate verify failed for localhost: self-signed certificate (subject \"CN=localhost\", issued by \"CN=localhost\")"
assert_eq "$(state)" "$before" "state after the refused certificate"
# ... accepted with SSL_verify = NO: everything reaches the daemon's store.
config unverified "SSL_verify = NO"
run_ok unverified --debug
assert_contains "$out" "remote: Created mailbox Projects"
assert_eq "$(daemon_count daemon .Projects)" 1 "messages in the daemon's Projects"

# (b) The server wants TLS 1.3: a client limited to TLS 1.2 gets one error
# and changes nothing. Dovecot hangs up without a protocol_version alert, so
# the client can only tell that the server closed the connection; Dovecot's
# log says why.
add_message local INBOX "inbox 2"
config max12 "SSL_verify = NO" "$self_pin" "SSL_protocol_max = TLSv1.2"
before=$(state)
mark_log
run_fails max12 --debug
assert_contains "$out" "remote: Maximum SSL/TLS protocol version: TLSv1.2"
assert_contains "$out" "remote: ERROR: TLS handshake with localhost:$port (127.0.0.1:$port) failed: the server closed the connection"
# Dovecot's log process writes the line on its own time: wait for it.
wait_for 10 logged "SSL_accept() failed: error:0A000102:SSL routines::unsupported protocol" ||
    fail "Dovecot's log says nothing of the refused protocol: $(logged_since)"
assert_eq "$(state)" "$before" "state after the refused protocol"
config min13 "SSL_verify = NO" "$self_pin" "SSL_protocol_min = TLSv1.3"
run_ok min13 --debug
assert_contains "$out" "remote: SSL protocol: TLSv1.3"
assert_eq "$(daemon_count daemon .)" 2 "messages in the daemon's INBOX after the TLS 1.3 run"

# (c) The cipher suite asked for is the one the server uses.
config chacha "SSL_verify = NO" "$self_pin" "SSL_ciphersuites = TLS_CHACHA20_POLY1305_SHA256"
mark_log
run_ok chacha --debug
assert_contains "$out" "remote: SSL cipher: TLS_CHACHA20_POLY1305_SHA256 (256 bits)"
login=$(logged_since | grep -F 'imap-login: Info: Login: user=<alice>') || fail "no login in Dovecot's log: $(logged_since)"
assert_contains "$login" "TLSv1.3 with cipher TLS_CHACHA20_POLY1305_SHA256" "Dovecot's login line"

# (d) SNI: sni.example gets the local_name certificate, whose key is pinned...
config sni "SSL_verify = NO" "SSL_hostname = sni.example" "SSL_fingerprint = $(cat "$certs/sni.sha256")"
run_ok sni --debug
assert_contains "$out" "remote: Using SNI with name sni.example"
# ... and without SNI, the same pin meets the default certificate.
config nosni "SSL_verify = NO" "SSL_hostname =" "SSL_fingerprint = $(cat "$certs/sni.sha256")"
before=$(state)
run_fails nosni --debug
assert_not_contains "$out" "Using SNI"
assert_contains "$out" "the server's key matches no SSL_fingerprint (man-in-the-middle?): the server presented sha256\$$(cat "$certs/self.sha256"), expected sha256\$$(cat "$certs/sni.sha256")"
assert_eq "$(state)" "$before" "state after the refused pin"

# (e) No SASL-IR: AUTHENTICATE PLAIN, then the credentials after the
# continuation request, redacted.
config plain "SSL_verify = NO" "$self_pin" "auth = PLAIN"
run_ok plain --debug
remote_log=$(grep '^remote: ' <<<"$out")
assert_contains "$remote_log" "remote: S: * OK [CAPABILITY IMAP4rev1 " "greeting"
assert_not_contains "$remote_log" "SASL-IR" "the daemon's capabilities"
assert_eq "$(grep -A2 -F 'remote: C: 000000 AUTHENTICATE' <<<"$remote_log")" \
    "remote: C: 000000 AUTHENTICATE PLAIN"$'\n'"remote: S: + "$'\n'"remote: C: [REDACTED]" "authentication"
assert_not_contains "$out" "s3cret-pass"
assert_not_contains "$out" "$(printf '\0alice\0s3cret-pass' | base64)"

# (f) COMPRESS: a few hundred text messages in the daemon's INBOX, copied to
# an empty local store with and without compression.
perl -e '
    my ($dir, $count) = @ARGV;
    for my $i (1 .. $count) {
        open my $fh, ">", "$dir/" . (1577836800 + $i) . ".M${i}P1.test:2,S" or die "$!";
        print $fh "From: Sender <sender\@example.org>\nTo: alice\@example.net\n",
                  "Subject: message $i\nMessage-ID: <$i\@test>\n\n",
                  map { "Line $_ of message $i: the same text again and again.\n" } 1 .. 30;
    }' "$d/mail/alice/Mail/cur" 300
chown -R nobody:nogroup "$d/mail"
total=$(daemon_count daemon .)
# received_bytes: the "recv" figure of the remote's traffic summary, in bytes.
received_bytes() {
    grep -F "remote: IMAP traffic (bytes): recv " <<<"$out" |
        sed 's/.*recv \([0-9.]*\)\([KMG]\?\) sent.*/\1 \2/' |
        awk '{ m = $2 == "K" ? 1024 : $2 == "M" ? 1048576 : $2 == "G" ? 1073741824 : 1; printf "%d\n", $1 * m }'
}
# copy NAME [OPTION...]: INBOX copied to an empty local store, with a new
# database.
copy() {
    local name=$1; shift
    rm -rf "$WORKDIR/local"
    new_store local / maildir
    daemon_client_config "$name" "$WORKDIR/$name.db" "${remote[@]}" "SSL_verify = NO" "$self_pin" "$@"
    run_ok "$name" --debug
    assert_eq "$(local_count INBOX)" "$total" "messages copied by the $name run"
}
copy compressed
# Once authenticated, though advertised before.
assert_eq "$(grep -m3 '^remote: C: ' <<<"$out" | tr '\n' '|')" \
    "remote: C: 000000 AUTHENTICATE PLAIN|remote: C: [REDACTED]|remote: C: 000001 COMPRESS DEFLATE|" \
    "the remote's first commands"
compressed=$(received_bytes)
copy uncompressed "compress = NO"
! grep -qE 'C: [0-9]+ COMPRESS' <<<"$out" || fail "compress = NO still compressed"
plain=$(received_bytes)
[ "${compressed:-0}" -gt 0 ] || fail "no traffic figure with COMPRESS"
[ "${plain:-0}" -gt 0 ] || fail "no traffic figure with compress = NO"
[ $((compressed * 3)) -lt "$plain" ] ||
    fail "compression saved too little: $compressed bytes received compressed, $plain plain"
echo "tls daemon: ok ($plain bytes plain, $compressed compressed)"
