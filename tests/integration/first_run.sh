#!/bin/bash
# A first run between two fresh Dovecot stores with different hierarchy
# delimiters and formats: the mailbox lists are reconciled and recorded, the
# database gets the reference's default path and modes, and the mailbox-list
# changes logged are the same as Debian's interimap 0.5.7 logs on an identical
# pair.
. "$(dirname "$0")/lib.sh"

# populate PREFIX: local (maildir, "/") and remote (mdbox, ".") stores.
populate() {
    local p=$1
    new_store "${p}local" / maildir
    new_store "${p}remote" . mdbox
    doveadm_on "${p}local" mailbox create -s Drafts
    doveadm_on "${p}local" mailbox create Shared
    doveadm_on "${p}remote" mailbox create Archive Archive.2024
    doveadm_on "${p}remote" mailbox create -s Shared
    add_message "${p}local" INBOX "local one"
    add_message "${p}remote" Archive.2024 "remote one"
}
populate ""
write_config "$XDG_CONFIG_HOME/interimap/config"

out=$("$INTERIMAP" 2>&1) || fail "first run exited $?: $out"
db="$XDG_DATA_HOME/interimap/localhost.db"
assert_contains "$out" "Creating new schema in database file $db"
assert_contains "$out" "database: Created mailbox Archive/2024"
assert_contains "$out" "database: Created mailbox Drafts"
assert_contains "$out" "database: Created mailbox INBOX"
assert_contains "$out" "database: Created mailbox Shared"
assert_contains "$out" "remote: Created mailbox Drafts"
assert_contains "$out" "local: Created mailbox Archive/2024"
assert_contains "$out" "local: Subscribe to Shared"
assert_contains "$out" "remote: Subscribe to Drafts"
assert_contains "$out" "local: IMAP traffic (bytes): recv "
assert_contains "$out" "remote: IMAP traffic (bytes): recv "

# Both servers now have the same hierarchy, each with its own delimiter.
assert_eq "$(mailboxes local | tr '\n' ' ')" "Archive Archive/2024 Drafts INBOX Shared "
assert_eq "$(mailboxes remote | tr '\n' ' ')" "Archive Archive.2024 Drafts INBOX Shared "
assert_eq "$(doveadm_on local mailbox list -s | sort | tr '\n' ' ')" "Drafts Shared "
assert_eq "$(doveadm_on remote mailbox list -s | sort | tr '\n' ' ')" "Drafts Shared "

# The database: delimiter stored as NUL, subscriptions, interimap 0.5 schema.
assert_eq "$(db_query "$db" 'PRAGMA user_version')" 1
assert_eq "$(db_query "$db" "SELECT hex(mailbox)||':'||subscribed FROM mailboxes ORDER BY mailbox" | tr '\n' ' ')" \
    "41726368697665:0 417263686976650032303234:0 447261667473:1 494E424F58:0 536861726564:1 "
assert_eq "$(stat -c %a "$db")" 600 "database mode"
assert_eq "$(stat -c %a "$XDG_DATA_HOME/interimap")" 700 "database directory mode"

# A second run has nothing to do.
out2=$("$INTERIMAP" 2>&1) || fail "second run exited $?: $out2"
assert_not_contains "$out2" "Created"
assert_not_contains "$out2" "Creating new schema"
assert_contains "$out2" "local: IMAP traffic (bytes)"

# With --quiet, changes to the servers go unreported, those to the database not.
doveadm_on local mailbox create -s Quiet
out3=$("$INTERIMAP" --quiet 2>&1) || fail "quiet run exited $?: $out3"
assert_contains "$out3" "database: Created mailbox Quiet"
assert_not_contains "$out3" "remote: Created mailbox Quiet"
assert_not_contains "$out3" "Subscribe"
assert_not_contains "$out3" "IMAP traffic"
assert_eq "$(doveadm_on remote mailbox list -s | sort | tr '\n' ' ')" "Drafts Quiet Shared "

# The reference on an identical pair logs the same mailbox-list changes.
if command -v interimap >/dev/null && [ "$(readlink -f "$(command -v interimap)")" != "$(readlink -f "$INTERIMAP")" ]; then
    populate ref
    sed -e "s|$WORKDIR/local/|$WORKDIR/reflocal/|; s|$WORKDIR/remote/|$WORKDIR/refremote/|" \
        "$XDG_CONFIG_HOME/interimap/config" > "$WORKDIR/ref.conf"
    echo "database = $WORKDIR/ref.db" | cat - "$WORKDIR/ref.conf" > "$WORKDIR/ref2.conf"
    ref=$(interimap --config="$WORKDIR/ref2.conf" 2>&1) || fail "reference exited $?: $ref"
    pick() { grep -E "Created mailbox|Subscribe to" | sort; }
    assert_eq "$(pick <<<"$ref")" "$(pick <<<"$out")" "mailbox-list log lines differ from the reference"
else
    fail "Debian's interimap is needed to compare with the reference (apt-get install interimap)"
fi
echo "first run: ok"
