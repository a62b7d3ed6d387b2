#!/bin/bash
# Try interimap on a throw-away pair of local Dovecot stores: builds the
# project, creates a "local" store (Maildir, "/" delimiter) and a "remote" one
# (mdbox, "." delimiter) with sample mail, runs interimap between them and
# shows what changed. Nothing outside a temporary directory is touched (but
# missing packages are installed with apt-get when run as root).
set -euo pipefail
cd "$(dirname "$0")/../.."

packages=(build-essential cmake pkg-config libboost-dev libboost-program-options-dev
    libsqlite3-dev libssl-dev zlib1g-dev libpcre2-dev
    libgtest-dev libgmock-dev dovecot-imapd sqlite3)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || { echo "Missing packages: ${missing[*]}" >&2; exit 1; }
    echo ">>> Installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo ">>> Building interimap"
cmake --preset default -DINTERIMAP_BUILD_TESTS=OFF >/dev/null
cmake --build --preset default -j"$(nproc)" >/dev/null
INTERIMAP=$PWD/build/bin/interimap

demo=$(mktemp -d /tmp/interimap-demo.XXXXXX)
chmod 0755 "$demo"
if [ "$(id -u)" = 0 ]; then
    as_mail_user="setpriv --reuid=nobody --regid=nogroup --clear-groups env USER=nobody HOME=/tmp"
else
    as_mail_user="env"
fi
store() { # store NAME SEPARATOR FORMAT
    mkdir -p "$demo/$1"
    {
        echo "log_path = $demo/$1/dovecot.log"
        echo "ssl = no"
        echo "mail_home = $demo/$1/home"
        echo "mail_location = $3:$demo/$1/Mail"
        [ "$(id -u)" = 0 ] && printf 'mail_uid = nobody\nmail_gid = nogroup\nfirst_valid_uid = 0\nfirst_valid_gid = 0\n'
        printf 'namespace {\n  inbox = yes\n  separator = %s\n}\n' "$2"
    } > "$demo/$1/dovecot.conf"
    [ "$(id -u)" = 0 ] && chown -R nobody:nogroup "$demo/$1"
    return 0
}
dove() { local s=$1; shift; $as_mail_user doveadm -c "$demo/$s/dovecot.conf" "$@"; }
mail() { # mail STORE MAILBOX SUBJECT
    printf 'From: Alice <alice@example.org>\nTo: bob@example.net\nSubject: %s\nDate: %s\n\nHello from the demo.\n' \
        "$3" "$(date -R)" | dove "$1" save -m "$2"
}

echo ">>> Creating two Dovecot stores with sample mail in $demo"
store local / maildir
store remote . mdbox
dove local mailbox create -s Drafts Projects Projects/interimap
dove remote mailbox create -s Archive Archive.2025 Lists
for i in 1 2 3; do mail local INBOX "local message $i"; done
mail local Projects/interimap "design notes"
for i in 1 2; do mail remote INBOX "remote message $i"; done
mail remote Archive.2025 "old thread"
mail remote Lists "announcement"

cat > "$demo/config" <<CONF
# interimap configuration for the demo (see share/interimap.sample)
database = $demo/interimap.db

[local]
type = tunnel
command = $as_mail_user doveadm -c $demo/local/dovecot.conf exec imap
null-stderr = YES

[remote]
type = tunnel
command = $as_mail_user doveadm -c $demo/remote/dovecot.conf exec imap
null-stderr = YES
CONF

show() { # each store's mailboxes with their number of messages
    local store mailbox line
    for store in local remote; do
        line=""
        while read -r mailbox; do
            line+="$mailbox($(dove "$store" search mailbox "$mailbox" all | wc -l)) "
        done < <(dove "$store" mailbox list | sort)
        printf '    %-7s %s\n' "$store:" "$line"
    done
}
echo ">>> Before"
show
echo ">>> Running: interimap --config=$demo/config"
"$INTERIMAP" --config="$demo/config"
echo ">>> After"
show
echo ">>> The database now records $(sqlite3 "$demo/interimap.db" 'SELECT count(*) FROM mapping') local <-> remote message pairs, and these mailboxes:"
# Names are stored with the hierarchy delimiter as a NUL byte; show it as "/".
sqlite3 -separator ' ' "$demo/interimap.db" "SELECT hex(mailbox), subscribed FROM mailboxes ORDER BY mailbox" |
    while read -r hex subscribed; do
        name=$(printf "$(sed 's/../\\x&/g' <<<"$hex")" | tr '\0' '/')
        echo "    $name$([ "$subscribed" = 1 ] && echo ' (subscribed)')"
    done
echo ">>> Running it again changes nothing:"
"$INTERIMAP" --config="$demo/config"
echo ">>> Done. Explore $demo (config, interimap.db, the two stores); remove it when finished."
