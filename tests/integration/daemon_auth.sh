#!/bin/bash
# interimap against a real Dovecot daemon on loopback over plain TCP (TLS is
# tested with the TLS plugin): AUTHENTICATE PLAIN with SASL-IR, the LOGIN
# command, a wrong password, and credentials kept out of the debug log unless
# --debug is given twice.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || fail "this test starts a Dovecot daemon and must run as root"

# A free port on 127.0.0.1.
port=""
for candidate in $(shuf -i 20000-40000 -n 50); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
done
[ -n "$port" ] || fail "no free port"

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
auth_mechanisms = plain login
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
    port = $port
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
trap 'kill "$(cat "$d/run/master.pid" 2>/dev/null)" 2>/dev/null || true; '"$(trap -p EXIT | sed "s/^trap -- '//; s/' EXIT$//")" EXIT
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

new_store local / maildir
doveadm_on local mailbox create -s Projects

# config NAME AUTH PASSWORD
config() {
    cat > "$WORKDIR/$1.conf" <<CONF
database = $WORKDIR/$1.db
[local]
type = tunnel
command = $(imap_command local)
null-stderr = YES
[remote]
type = imap
host = 127.0.0.1
port = $port
STARTTLS = NO
auth = $2
username = alice
password = $3
CONF
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
