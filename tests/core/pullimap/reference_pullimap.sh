#!/bin/bash
# Debian's pullimap 0.5.7 against a throw-away Dovecot store (tunnel), for
# statefile_test. Usage: reference_pullimap.sh DIR COMMAND [ARGS...]
#   store N      a store under DIR/store with N messages in INBOX, and a
#                pullimap config with section [acct], statefile DIR/state
#   add N        N more messages
#   status       "UIDVALIDITY UIDNEXT" of INBOX
#   pull [ARGS]  pullimap --no-delivery [ARGS] acct (its output, its status)
set -euo pipefail
dir=$1 command=$2
shift 2
conf="$dir/store/dovecot.conf"
# Dovecot refuses to serve mail as root: the server side then runs as nobody.
if [ "$(id -u)" = 0 ]; then
    as_mail_user="setpriv --reuid=nobody --regid=nogroup --clear-groups env USER=nobody HOME=/tmp"
else
    as_mail_user="env"
fi
add() {
    for ((i = 0; i < $1; i++)); do
        printf 'From: sender@example.org\nSubject: message %s\n\nBody\n' "$i" |
            $as_mail_user doveadm -c "$conf" save -m INBOX
    done
}
case $command in
store)
    mkdir -p "$dir/store" "$dir/config/pullimap" "$dir/data"
    chmod 0755 "$dir"
    {
        echo "log_path = $dir/store/dovecot.log"
        echo "ssl = no"
        echo "mail_home = $dir/store/home"
        echo "mail_location = maildir:$dir/store/Mail"
        if [ "$(id -u)" = 0 ]; then
            echo "mail_uid = nobody"
            echo "mail_gid = nogroup"
            echo "first_valid_uid = 0"
            echo "first_valid_gid = 0"
        fi
    } >"$conf"
    [ "$(id -u)" = 0 ] && chown -R nobody:nogroup "$dir/store"
    {
        echo "[acct]"
        echo "statefile = $dir/state"
        echo "type = tunnel"
        echo "command = $as_mail_user doveadm -c $conf exec imap"
        echo "null-stderr = YES"
    } >"$dir/config/pullimap/config"
    add "$1"
    ;;
add) add "$1" ;;
status)
    $as_mail_user doveadm -c "$conf" -f tab mailbox status 'uidvalidity uidnext' INBOX |
        awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
                     { print $col["uidvalidity"], $col["uidnext"] }'
    ;;
pull)
    XDG_CONFIG_HOME="$dir/config" XDG_DATA_HOME="$dir/data" \
        /usr/bin/pullimap --no-delivery "$@" acct 2>&1
    ;;
*) exit 64 ;;
esac
