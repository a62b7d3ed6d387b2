#!/bin/bash
# interimap reaching a real Dovecot daemon on loopback through a real SOCKS5
# proxy (microsocks) with username/password: socks5h:// (the proxy resolves
# "localhost") and socks5:// (resolved here), a wrong proxy password, an
# unreachable proxy; the proxy's credentials never in the output, even with
# --debug --debug. Exits 77 (skipped) while the `proxy` option is not
# honoured by the connection set-up.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || fail "this test starts a Dovecot daemon and must run as root"
command -v microsocks >/dev/null || fail "microsocks is not installed"

# free_port: a port on 127.0.0.1 where nothing listens.
free_port() {
    local candidate
    for candidate in $(shuf -i 20000-40000 -n 50); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then echo "$candidate"; return; fi
    done
    fail "no free port"
}
imap_port=$(free_port)
proxy_port=$(free_port)
while [ "$proxy_port" = "$imap_port" ]; do proxy_port=$(free_port); done

new_store local / maildir
doveadm_on local mailbox create -s Projects

# config NAME PROXY: the remote is the daemon, reached through PROXY.
config() {
    cat > "$WORKDIR/$1.conf" <<CONF
database = $WORKDIR/$1.db
[local]
type = tunnel
command = $(imap_command local)
null-stderr = YES
[remote]
type = imap
host = localhost
port = $imap_port
STARTTLS = NO
username = alice
password = s3cret-pass
proxy = $2
CONF
}

# Nothing listens yet: the error says whether the proxy was used at all.
config unreachable "socks5://proxy-user:proxy-pass@127.0.0.1:$proxy_port"
status=0
out=$("$INTERIMAP" --config="$WORKDIR/unreachable.conf" 2>&1) || status=$?
if ! grep -qF "SOCKS5 proxy" <<<"$out"; then
    trap - EXIT
    rm -rf "$WORKDIR"
    echo "SKIP: the proxy option is not used by the connection set-up yet: $out"
    exit 77
fi
assert_eq "$status" 1 "exit status with an unreachable proxy"
assert_contains "$out" "remote: ERROR: Can't connect to SOCKS5 proxy 127.0.0.1:$proxy_port: Connection refused"
assert_not_contains "$out" "proxy-pass"

d="$WORKDIR/daemon"
mkdir -p "$d/run" "$d/mail"
echo 'alice:{PLAIN}s3cret-pass::::::' > "$d/users"
cat > "$d/dovecot.conf" <<CONF
base_dir = $d/run
log_path = $d/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
passdb {
  driver = passwd-file
  args = $d/users
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$d/mail/%u
}
mail_location = maildir:$d/mail/%u/Mail
namespace inbox {
  inbox = yes
  separator = /
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $imap_port
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
CONF
chown nobody:nogroup "$d/mail"
dovecot -c "$d/dovecot.conf" || fail "dovecot did not start: $(cat "$d/dovecot.log" 2>/dev/null)"
microsocks -i 127.0.0.1 -p "$proxy_port" -u proxy-user -P proxy-pass >"$WORKDIR/microsocks.log" 2>&1 &
proxy_pid=$!
trap 'kill "$proxy_pid" 2>/dev/null || true; kill "$(cat "$d/run/master.pid" 2>/dev/null)" 2>/dev/null || true; '"$(trap -p EXIT | sed "s/^trap -- '//; s/' EXIT$//")" EXIT
for port in "$imap_port" "$proxy_port"; do
    for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
done

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
