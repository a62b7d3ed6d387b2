# Shared helpers for the integration tests: throw-away Dovecot stores reached
# through `doveadm exec imap` (the tunnel setup of the "Getting started"
# guide), content digests to compare stores, and assertions.
# Each test script sources this file, then calls its functions.
set -euo pipefail

: "${INTERIMAP:?INTERIMAP must point to the interimap binary}"
WORKDIR=$(mktemp -d /tmp/interimap-test.XXXXXX)
chmod 0755 "$WORKDIR"
export XDG_CONFIG_HOME="$WORKDIR/config" XDG_DATA_HOME="$WORKDIR/data"
trap 'status=$?; if [ $status -ne 0 ]; then echo "FAILED (work directory kept: $WORKDIR)" >&2; else rm -rf "$WORKDIR"; fi' EXIT

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

# wait_for SECONDS COMMAND...: until COMMAND succeeds, or fails after SECONDS.
wait_for() {
    local deadline=$((SECONDS + $1)); shift
    until "$@"; do
        [ $SECONDS -lt $deadline ] || return 1
        sleep 0.2
    done
}

assert_eq() { [ "$1" = "$2" ] || fail "${3:-values differ}: expected [$2], got [$1]"; }
assert_contains() { grep -qF -- "$2" <<<"$1" || fail "${3:-missing text}: [$2] not in: $1"; }
assert_not_contains() { ! grep -qF -- "$2" <<<"$1" || fail "${3:-unexpected text}: [$2] in: $1"; }
