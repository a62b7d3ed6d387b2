#!/bin/bash
# TLS through a SOCKS5 proxy: interimap reaches a real Dovecot daemon with
# ssl = required on loopback through a real SOCKS5 proxy (microsocks) with
# username/password, by socks5h:// (the proxy resolves "localhost"); over
# imaps, then with STARTTLS on the plaintext port. Each time a full
# synchronisation succeeds, the certificate is verified against the test CA
# for the name asked of the proxy, the proxy relays the connection, and its
# credentials stay out of the output.
. "$(dirname "$0")/lib.sh"

grep -q '^  tls (transport): ' <<<"$("$INTERIMAP" --version)" || fail "--version lists no tls plugin"

# imaps on $port; imap with STARTTLS on $daemon_port.
port=$(free_port)
daemon_port=$(free_port "$port")
proxy_port=$(free_port "$port" "$daemon_port")

certs="$WORKDIR/certs"
bash "$(dirname "$0")/../transports/tls/make_test_certs.sh" "$certs"
dovecot_tls_settings "$certs" server "$port"
start_dovecot_daemon daemon "${TLS_SETTINGS[@]}"
wait_for 10 port_open "$port" || fail "dovecot does not listen on $port"
start_socks5_proxy proxy-user proxy-pass
proxy="socks5h://proxy-user:proxy-pass@127.0.0.1:$proxy_port"

seed_local_store

# imaps through the proxy: everything reaches the daemon's store.
daemon_client_config imaps "$WORKDIR/tls.db" "type = imaps" "host = localhost" "port = $port" \
    "username = alice" "password = s3cret-pass" "SSL_CAfile = $certs/ca.pem" "proxy = $proxy"
sync_both_ways daemon imaps
assert_contains "$out" "SOCKS5 proxy 127.0.0.1:$proxy_port: CONNECT localhost:$port (the proxy resolves the name)"
assert_contains "$out" "remote: Using SNI with name localhost"
assert_contains "$out" "remote: SSL protocol: TLSv1."
assert_not_contains "$out" "proxy-pass"
grep -qF "connected to localhost:$port" "$WORKDIR/microsocks.log" || fail "the proxy did not relay imaps: $(cat "$WORKDIR/microsocks.log")"

# STARTTLS on the plaintext port, through the proxy, verified the same way.
daemon_client_config starttls "$WORKDIR/tls.db" "type = imap" "host = localhost" "port = $daemon_port" \
    "username = alice" "password = s3cret-pass" "SSL_CAfile = $certs/ca.pem" "proxy = $proxy"
add_message local INBOX "over STARTTLS"
out=$("$INTERIMAP" --config="$WORKDIR/starttls.conf" --debug 2>&1) || fail "STARTTLS run through the proxy failed: $out"
assert_contains "$out" "SOCKS5 proxy 127.0.0.1:$proxy_port: CONNECT localhost:$daemon_port (the proxy resolves the name)"
assert_contains "$out" "remote: C: 000000 STARTTLS"
assert_contains "$out" "remote: SSL protocol: TLSv1."
assert_not_contains "$out" "proxy-pass"
grep -qF "connected to localhost:$daemon_port" "$WORKDIR/microsocks.log" || fail "the proxy did not relay STARTTLS: $(cat "$WORKDIR/microsocks.log")"
assert_eq "$(daemon_count daemon .)" 5 "messages in the daemon's INBOX after the STARTTLS run"
assert_eq "$(db_query "$WORKDIR/tls.db" 'SELECT count(*) FROM mailboxes')" 2
echo "tls socks5: ok"
