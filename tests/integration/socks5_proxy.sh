#!/bin/bash
# interimap reaching a real Dovecot daemon on loopback through a real SOCKS5
# proxy (microsocks) with username/password: socks5h:// (the proxy resolves
# "localhost") and socks5:// (resolved here), a wrong proxy password, an
# unreachable proxy; the proxy's credentials never in the output, even with
# --debug --debug.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || fail "this test starts a Dovecot daemon and must run as root"
command -v microsocks >/dev/null || fail "microsocks is not installed"

daemon_port=$(free_port) imap_port=$daemon_port
proxy_port=$(free_port "$imap_port")

new_store local / maildir
doveadm_on local mailbox create -s Projects

# config NAME PROXY: the remote is the daemon, reached through PROXY.
config() {
    daemon_client_config "$1" "$WORKDIR/$1.db" "type = imap" "host = localhost" "port = $imap_port" \
        "STARTTLS = NO" "username = alice" "password = s3cret-pass" "proxy = $2"
}

# Nothing listens yet: the error says whether the proxy was used at all.
config unreachable "socks5://proxy-user:proxy-pass@127.0.0.1:$proxy_port"
status=0
out=$("$INTERIMAP" --config="$WORKDIR/unreachable.conf" 2>&1) || status=$?
assert_eq "$status" 1 "exit status with an unreachable proxy"
assert_contains "$out" "remote: ERROR: Can't connect to SOCKS5 proxy 127.0.0.1:$proxy_port: Connection refused"
assert_not_contains "$out" "proxy-pass"

start_dovecot_daemon daemon
d="$WORKDIR/daemon"
start_socks5_proxy proxy-user proxy-pass

# socks5h: the proxy resolves "localhost"; the mailbox reaches the daemon.
config remote_names "socks5h://proxy-user:proxy-pass@127.0.0.1:$proxy_port"
out=$("$INTERIMAP" --config="$WORKDIR/remote_names.conf" --debug --debug 2>&1) || fail "socks5h run failed: $out"
assert_contains "$out" "SOCKS5 proxy 127.0.0.1:$proxy_port: authenticated with username/password"
assert_contains "$out" "SOCKS5 proxy 127.0.0.1:$proxy_port: CONNECT localhost:$imap_port (the proxy resolves the name)"
assert_contains "$out" "remote: Created mailbox Projects"
assert_not_contains "$out" "proxy-pass"
assert_not_contains "$out" "proxy-user"
[ -d "$d/mail/alice/Mail/.Projects" ] || fail "Projects was not created in the daemon's store"
grep -qF "connected to localhost:$imap_port" "$WORKDIR/microsocks.log" || fail "the proxy did not relay: $(cat "$WORKDIR/microsocks.log")"

# socks5: "localhost" is resolved here and the proxy gets an address.
config local_names "socks5://proxy-user:proxy-pass@127.0.0.1:$proxy_port"
out=$("$INTERIMAP" --config="$WORKDIR/local_names.conf" --debug 2>&1) || fail "socks5 run failed: $out"
assert_contains "$out" "SOCKS5 proxy 127.0.0.1:$proxy_port: CONNECT localhost:$imap_port ("
assert_not_contains "$out" "(the proxy resolves the name)"
assert_not_contains "$out" "proxy-pass"

# A wrong proxy password: one error line naming the proxy, exit 1.
config wrong "socks5h://proxy-user:not-the-pass@127.0.0.1:$proxy_port"
status=0
out=$("$INTERIMAP" --config="$WORKDIR/wrong.conf" --debug --debug 2>&1) || status=$?
assert_eq "$status" 1 "exit status with a wrong proxy password"
assert_contains "$out" "remote: ERROR: SOCKS5 proxy 127.0.0.1:$proxy_port: authentication failed: the proxy rejected the user name or password"
assert_contains "$out" "for localhost:$imap_port"
assert_not_contains "$out" "not-the-pass"
assert_not_contains "$out" "proxy-user"
echo "socks5 proxy: ok"
