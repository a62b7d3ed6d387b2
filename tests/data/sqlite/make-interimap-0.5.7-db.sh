#!/bin/sh
# Regenerates interimap-0.5.7.db with Debian's interimap 0.5.7 (the reference)
# syncing two throw-away Dovecot stores over `type = tunnel`: local uses "/" as
# hierarchy delimiter, remote uses ".". Needs root (to drop to nobody), the
# packages interimap and dovecot-imapd. Usage: make-interimap-0.5.7-db.sh OUT.db
set -eu
out=$(realpath -m "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"

for side in local remote; do
    sep=/
    [ "$side" = remote ] && sep=.
    mkdir -p "$work/$side/home" "$work/$side/Mail"
    cat >"$work/$side/dovecot.conf" <<CONF
log_path = $work/$side/dovecot.log
ssl = no
mail_home = $work/$side/home
mail_location = maildir:$work/$side/Mail
mail_uid = nobody
mail_gid = nogroup
first_valid_uid = 0
first_valid_gid = 0
namespace {
  inbox = yes
  separator = $sep
}
CONF
done
chown -R nobody:nogroup "$work/local" "$work/remote"

server() {
    echo "setpriv --reuid=nobody --regid=nogroup --clear-groups env USER=nobody HOME=/tmp doveadm -c $work/$1/dovecot.conf exec imap"
}
cat >"$work/interimap.conf" <<CONF
database = $out

[local]
type = tunnel
command = $(server local)

[remote]
type = tunnel
command = $(server remote)
CONF

append() { # mailbox subject
    msg=$(printf 'From: a@example.org\r\nTo: b@example.org\r\nSubject: %s\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\nBody %s\r\n' "$2" "$2")
    printf 'x APPEND "%s" {%d+}\r\n%s\r\n' "$1" "$(printf '%s' "$msg" | wc -c)" "$msg"
}
imap() { # side; IMAP commands on stdin
    $(server "$1") >/dev/null 2>&1
}

{
    printf 'a CREATE Archive\r\nb CREATE Archive/2024\r\nc CREATE Sent\r\n'
    printf 'd SUBSCRIBE Archive/2024\r\ne SUBSCRIBE Sent\r\n'
    append INBOX one; append INBOX two; append Archive/2024 three; append Sent four
    printf 'z LOGOUT\r\n'
} | imap local
{
    printf 'a CREATE Work.Projects\r\nb SUBSCRIBE Work.Projects\r\n'
    append INBOX five; append Work.Projects six; append Work.Projects seven
    printf 'z LOGOUT\r\n'
} | imap remote

rm -f "$out"
interimap --config="$work/interimap.conf"

# A second run after flag changes and an expunge, so that HIGHESTMODSEQ moves
# past UIDNEXT and a mapping row disappears.
printf 'a SELECT INBOX\r\nb UID STORE 1:* +FLAGS (\\Seen)\r\nc UID STORE 1 +FLAGS (\\Flagged)\r\nz LOGOUT\r\n' | imap local
printf 'a SELECT Work.Projects\r\nb UID STORE 2 +FLAGS (\\Deleted)\r\nc EXPUNGE\r\nz LOGOUT\r\n' | imap remote
interimap --config="$work/interimap.conf"
