# Shared helpers for the integration tests: throw-away Dovecot stores reached
# through `doveadm exec imap` (the tunnel setup of the "Getting started"
# guide), content digests to compare stores, and assertions.
# Each test script sources this file, then calls its functions.
set -euo pipefail

: "${INTERIMAP:?INTERIMAP must point to the interimap binary}"
WORKDIR=$(mktemp -d /tmp/interimap-test.XXXXXX)
chmod 0755 "$WORKDIR"
export XDG_CONFIG_HOME="$WORKDIR/config" XDG_DATA_HOME="$WORKDIR/data"
# on_exit COMMAND: run COMMAND (e.g. stop a daemon) when the script ends,
# before the work directory is removed (or kept, when the test failed).
EXIT_COMMANDS=()
on_exit() { EXIT_COMMANDS+=("$1"); }
run_exit_commands() {
    local status=$? command
    for command in "${EXIT_COMMANDS[@]}"; do eval "$command" || true; done
    if [ $status -ne 0 ]; then echo "FAILED (work directory kept: $WORKDIR)" >&2; else rm -rf "$WORKDIR"; fi
}
trap run_exit_commands EXIT
# A command that stops the script through set -e says which it was (a bare
# "FAILED" from CI is otherwise all there is to go on).
trap 'echo "FAIL: line $LINENO: exit status $? from: $BASH_COMMAND" >&2' ERR

fail() { echo "FAIL: $*" >&2; exit 1; }

# Dovecot refuses to serve mail as root, and aborts when its peer on a
# socketpair runs as root: as root, the server side runs as nobody.
if [ "$(id -u)" = 0 ]; then
    MAIL_USER=nobody
    AS_MAIL_USER="setpriv --reuid=nobody --regid=nogroup --clear-groups env USER=nobody HOME=/tmp"
else
    MAIL_USER=$(id -un)
    AS_MAIL_USER="env"
fi

# new_store NAME [SEPARATOR] [FORMAT]: a Dovecot configuration for a store
# under $WORKDIR/NAME, maildir by default.
new_store() {
    local name=$1 sep=${2:-/} format=${3:-maildir} dir="$WORKDIR/$1"
    mkdir -p "$dir"
    {
        echo "log_path = $dir/dovecot.log"
        echo "ssl = no"
        echo "mail_home = $dir/home"
        echo "mail_location = $format:$dir/Mail"
        if [ "$(id -u)" = 0 ]; then
            echo "mail_uid = nobody"
            echo "mail_gid = nogroup"
            echo "first_valid_uid = 0"
            echo "first_valid_gid = 0"
        fi
        echo "namespace {"
        echo "  inbox = yes"
        echo "  separator = $sep"
        echo "}"
    } > "$dir/dovecot.conf"
    [ "$(id -u)" = 0 ] && chown -R nobody:nogroup "$dir"
    return 0
}

# The tunnel command that speaks IMAP for store NAME.
imap_command() { echo "$AS_MAIL_USER doveadm -c $WORKDIR/$1/dovecot.conf exec imap"; }

# doveadm_on NAME ARGS...: run a doveadm command on store NAME.
doveadm_on() {
    local name=$1; shift
    $AS_MAIL_USER doveadm -c "$WORKDIR/$name/dovecot.conf" "$@"
}

# imap_on NAME: run IMAP commands (stdin, one per line, tagged by the caller)
# against store NAME and print the responses.
imap_on() {
    { cat; echo "zz LOGOUT"; } | sed 's/$/\r/' | $AS_MAIL_USER doveadm -c "$WORKDIR/$1/dovecot.conf" exec imap | tr -d '\r'
}

# add_message NAME MAILBOX SUBJECT: deliver a small message into MAILBOX.
add_message() {
    printf 'From: sender@example.org\nTo: user@example.net\nSubject: %s\nMessage-ID: <%s@test>\n\nBody of %s\n' \
        "$3" "$RANDOM$RANDOM" "$3" | doveadm_on "$1" save -m "$2"
}

# mailboxes NAME: the sorted mailbox names of store NAME.
mailboxes() { doveadm_on "$1" mailbox list | sort; }

# write_config FILE: an interimap config with local and remote tunnels.
write_config() {
    local file=$1; shift
    mkdir -p "$(dirname "$file")"
    {
        for line in "$@"; do echo "$line"; done
        echo "[local]"
        echo "type = tunnel"
        echo "command = $(imap_command local)"
        echo "null-stderr = YES"
        echo "[remote]"
        echo "type = tunnel"
        echo "command = $(imap_command remote)"
        echo "null-stderr = YES"
    } > "$file"
}

# db_query DB SQL: run a query with sqlite3.
db_query() { sqlite3 "$1" "$2"; }

# wait_for SECONDS COMMAND...: until COMMAND succeeds, or fails after SECONDS
# (whole seconds of the clock, not of bash's $SECONDS, which would cut the
# first one short).
wait_for() {
    local deadline=$(($(date +%s%N) + $1 * 1000000000)); shift
    until "$@"; do
        [ "$(date +%s%N)" -lt "$deadline" ] || return 1
        sleep 0.2
    done
}

assert_eq() { [ "$1" = "$2" ] || fail "${3:-values differ}: expected [$2], got [$1]"; }
assert_contains() { grep -qF -- "$2" <<<"$1" || fail "${3:-missing text}: [$2] not in: $1"; }
assert_not_contains() { ! grep -qF -- "$2" <<<"$1" || fail "${3:-unexpected text}: [$2] in: $1"; }

# port_open PORT: whether something listens on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port [TAKEN...]: a port on 127.0.0.1 where nothing listens, none of TAKEN.
# Below Linux's ephemeral range (32768 and up), where another test's outgoing
# connection could be holding it by the time the server binds.
free_port() {
    local candidate taken
    for candidate in $(shuf -i 10000-32767 -n 50); do
        for taken in "$@"; do [ "$candidate" != "$taken" ] || continue 2; done
        port_open "$candidate" || { echo "$candidate"; return; }
    done
    fail "no free port"
}

# dovecot_daemon_conf NAME [LINE...]: write $WORKDIR/NAME/dovecot.conf, a
# Dovecot daemon on 127.0.0.1:$daemon_port (plain IMAP, ssl = no, no imaps
# listener) with one user, alice, password s3cret-pass, whose mail is under
# $WORKDIR/NAME/mail/alice/Mail; LINEs are appended, and override the above
# (Dovecot merges a repeated section, the last value of a setting wins).
dovecot_daemon_conf() {
    local d="$WORKDIR/$1" line; shift
    mkdir -p "$d/run" "$d/mail"
    echo 'alice:{PLAIN}s3cret-pass::::::' > "$d/users"
    {
        cat <<CONF
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
    port = $daemon_port
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
CONF
        for line in "$@"; do echo "$line"; done
    } > "$d/dovecot.conf"
    chown nobody:nogroup "$d/mail"
}

# start_dovecot_daemon NAME [LINE...]: start the daemon of dovecot_daemon_conf
# (as root), on $daemon_port, picked with free_port unless already set; wait
# until it listens; stop it when the script ends.
start_dovecot_daemon() {
    [ "$(id -u)" = 0 ] || fail "this test starts a Dovecot daemon and must run as root"
    local d="$WORKDIR/$1"
    [ -n "${daemon_port:-}" ] ||
        daemon_port=$(free_port "${lmtp_port:-}" "${smtp_port:-}" "${proxy_port:-}")
    dovecot_daemon_conf "$@"
    dovecot -c "$d/dovecot.conf" || fail "dovecot did not start: $(cat "$d/dovecot.log" 2>/dev/null)"
    on_exit "kill \"\$(cat '$d/run/master.pid' 2>/dev/null)\" 2>/dev/null"
    wait_for 10 port_open "$daemon_port" || fail "dovecot does not listen on $daemon_port: $(cat "$d/dovecot.log")"
}

# dovecot_tls_settings CERTS CERT IMAPS_PORT: set TLS_SETTINGS, the LINEs for
# dovecot_daemon_conf making the daemon require TLS (ssl = required, no
# plaintext authentication: STARTTLS first on $daemon_port), presenting
# CERTS/CERT.pem (from tests/transports/tls/make_test_certs.sh), with imaps on
# IMAPS_PORT.
dovecot_tls_settings() {
    TLS_SETTINGS=("ssl = required" "disable_plaintext_auth = yes"
        "ssl_cert = <$1/$2.pem" "ssl_key = <$1/$2.key"
        "service imap-login {" "  inet_listener imaps {" "    address = 127.0.0.1"
        "    port = $3" "    ssl = yes" "  }" "}")
}

# daemon_client_config NAME DATABASE [LINE...]: $WORKDIR/NAME.conf, an
# interimap config with DATABASE, the tunnel to store "local" as [local], and
# LINEs (type, host, port, credentials...) as [remote].
daemon_client_config() {
    local name=$1 database=$2 line; shift 2
    {
        echo "database = $database"
        echo "[local]"
        echo "type = tunnel"
        echo "command = $(imap_command local)"
        echo "null-stderr = YES"
        echo "[remote]"
        for line in "$@"; do echo "$line"; done
    } > "$WORKDIR/$name.conf"
}

# start_socks5_proxy USER PASSWORD: a real SOCKS5 proxy (microsocks) on
# 127.0.0.1:$proxy_port (picked with free_port unless already set), which
# wants USER and PASSWORD and logs to $WORKDIR/microsocks.log; wait until it
# listens; stop it when the script ends.
start_socks5_proxy() {
    command -v microsocks >/dev/null || fail "microsocks is not installed"
    [ -n "${proxy_port:-}" ] || proxy_port=$(free_port "${daemon_port:-}")
    microsocks -i 127.0.0.1 -p "$proxy_port" -u "$1" -P "$2" >"$WORKDIR/microsocks.log" 2>&1 &
    on_exit "kill $!"
    wait_for 10 port_open "$proxy_port" || fail "microsocks does not listen on $proxy_port"
}

# seed_local_store: store "local" with INBOX (3 messages) and Projects (2).
seed_local_store() {
    new_store local / maildir
    doveadm_on local mailbox create -s Projects
    for i in 1 2 3; do add_message local INBOX "inbox $i"; done
    for i in 1 2; do add_message local Projects "project $i"; done
}
# daemon_count NAME DIR: the messages in alice's maildir folder DIR (. for
# INBOX, .Projects) on daemon NAME.
daemon_count() { find "$WORKDIR/$1/mail/alice/Mail/$2/cur" "$WORKDIR/$1/mail/alice/Mail/$2/new" -type f | wc -l; }
# local_count MAILBOX: the messages in MAILBOX of store "local".
local_count() { doveadm_on local -f tab mailbox status messages "$1" | tail -1 | cut -f2; }

# sync_both_ways NAME CONFIG: from seed_local_store and alice's empty mail on
# daemon NAME, a first run with CONFIG (--debug, its output left in $out)
# copies both mailboxes to the daemon; a message then delivered on the daemon
# comes to the local store by a second run.
sync_both_ways() {
    out=$("$INTERIMAP" --config="$WORKDIR/$2.conf" --debug 2>&1) || fail "$2 run failed: $out"
    assert_contains "$out" "remote: Created mailbox Projects"
    assert_eq "$(daemon_count "$1" .)" 3 "messages in the daemon's INBOX"
    assert_eq "$(daemon_count "$1" .Projects)" 2 "messages in the daemon's Projects"
    printf 'From: a@example.org\nSubject: from the daemon\nMessage-ID: <daemon@test>\n\nHello\n' |
        doveadm -c "$WORKDIR/$1/dovecot.conf" save -u alice -m INBOX
    local second
    second=$("$INTERIMAP" --config="$WORKDIR/$2.conf" 2>&1) || fail "second $2 run failed: $second"
    assert_eq "$(local_count INBOX)" 4 "messages in the local INBOX after the second run"
}

# --- pullimap ---------------------------------------------------------------

# pullimap_config SECTION [LINE...]: appends [SECTION] to
# $XDG_CONFIG_HOME/pullimap/config, pulling from store "remote" through its
# tunnel, with LINEs (deliver-method, ...).
pullimap_config() {
    local section=$1 line; shift
    mkdir -p "$XDG_CONFIG_HOME/pullimap" "$XDG_DATA_HOME"
    {
        echo "[$section]"
        echo "type = tunnel"
        echo "command = $(imap_command remote)"
        echo "null-stderr = YES"
        for line in "$@"; do echo "$line"; done
    } >> "$XDG_CONFIG_HOME/pullimap/config"
}

# statefile_hex SECTION: the statefile of SECTION as hex words (od).
statefile_hex() { od -An -tx1 -v "$XDG_DATA_HOME/pullimap/$1" | tr -d ' \n'; }
# statefile_words SECTION: its 32-bit big-endian integers, space-separated.
statefile_words() {
    local hex words="" i
    hex=$(statefile_hex "$1")
    for ((i = 0; i < ${#hex}; i += 8)); do words+="$((16#${hex:i:8})) "; done
    echo "${words% }"
}

# start_smtp_sink: a real SMTP server (aiosmtpd) on 127.0.0.1:$smtp_port
# writing each message to $WORKDIR/sink/N.eml and its envelope to N.env.
start_smtp_sink() {
    [ -n "${smtp_port:-}" ] || smtp_port=$(free_port "${daemon_port:-}")
    mkdir -p "$WORKDIR/sink"
    /usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/../delivery/smtp_sink.py" "$smtp_port" \
        "$WORKDIR/sink" >"$WORKDIR/sink.log" 2>&1 &
    on_exit "kill $!"
    wait_for 20 test -e "$WORKDIR/sink/ready" || fail "the SMTP sink did not start: $(cat "$WORKDIR/sink.log")"
}
sink_count() { find "$WORKDIR/sink" -name '*.eml' | wc -l; }

# start_lmtp_daemon NAME: a Dovecot daemon (start_dovecot_daemon) that also
# speaks LMTP on 127.0.0.1:$lmtp_port, delivering to alice's maildir (other
# recipients are refused).
start_lmtp_daemon() {
    [ -n "${lmtp_port:-}" ] || lmtp_port=$(free_port "${daemon_port:-}")
    start_dovecot_daemon "$1" "protocols = imap lmtp" "postmaster_address = postmaster@example.org" \
        "service lmtp {" "  inet_listener lmtp {" "    address = 127.0.0.1" "    port = $lmtp_port" \
        "  }" "}"
    wait_for 10 port_open "$lmtp_port" || fail "no LMTP on $lmtp_port: $(cat "$WORKDIR/$1/dovecot.log")"
}
# lmtp_files NAME: alice's delivered message files on daemon NAME.
lmtp_files() { { find "$WORKDIR/$1/mail/alice/Mail/cur" "$WORKDIR/$1/mail/alice/Mail/new" -type f 2>/dev/null || true; } | sort; }
