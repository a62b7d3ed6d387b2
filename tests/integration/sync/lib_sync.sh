# shellcheck shell=bash
# Helpers for the message-synchronisation tests: one configuration per test
# (database in the work directory), content digests of whole stores, and
# shortcuts to change a store behind interimap's back with doveadm or IMAP.
#
# Mailbox names given to these helpers always use "/" as the hierarchy
# delimiter; each helper translates to the separator the store is configured
# with at the time of the call, so stores with different delimiters compare.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

# Dates printed by doveadm are in local time: make them comparable.
export TZ=UTC

CONF="$WORKDIR/config"
DB="$WORKDIR/state.db"

# sync_config [LINE...]: the test's configuration (local and remote tunnels,
# database $DB) with extra lines for the default section.
sync_config() { write_config "$CONF" "database = $DB" "$@"; }

# new_pair [LOCAL_SEP] [REMOTE_SEP]: fresh local (maildir) and remote (mdbox)
# stores and the configuration that joins them.
new_pair() {
    new_store local "${1:-/}" maildir
    new_store remote "${2:-.}" mdbox
    sync_config
}

# run_sync [ARG...]: run interimap on $CONF; its output (both streams) goes
# to $OUT and its exit status to $STATUS, whatever they are.
run_sync() {
    STATUS=0
    OUT=$("$INTERIMAP" --config="$CONF" "$@" 2>&1) || STATUS=$?
}

# sync_ok [ARG...]: run_sync, which must succeed.
sync_ok() {
    run_sync "$@"
    [ "$STATUS" -eq 0 ] || fail "interimap $* exited $STATUS: $OUT"
}

# separator_of STORE: the hierarchy separator in the store's configuration.
separator_of() { sed -n 's/^ *separator = //p' "$WORKDIR/$1/dovecot.conf"; }

# set_separator STORE SEP: reconfigure the store's hierarchy separator.
set_separator() { sed -i "s|^\( *separator = \).*|\1$2|" "$WORKDIR/$1/dovecot.conf"; }

# mbx STORE NAME: NAME ("/"-delimited) spelled with the store's separator.
mbx() {
    local sep
    sep=$(separator_of "$1")
    echo "${2//\//$sep}"
}

# store_mailboxes STORE: sorted mailbox names, "/"-delimited.
store_mailboxes() {
    local sep
    sep=$(separator_of "$1")
    doveadm_on "$1" mailbox list | SEP=$sep perl -ne 'chomp; s/\Q$ENV{SEP}\E/\//g; print "$_\n"' | LC_ALL=C sort
}

# store_digest STORE: one line per message, sorted:
#   MAILBOX <tab> SHA-256 of the bytes (CR removed) <tab> flags but \Recent,
#   sorted <tab> INTERNALDATE
# The mailbox name is "/"-delimited whatever the store's separator.
store_digest() {
    local sep
    sep=$(separator_of "$1")
    doveadm_on "$1" -f json fetch 'mailbox flags date.received text' mailbox '*' ALL |
        SEP=$sep perl -MJSON::PP -MDigest::SHA=sha256_hex -e '
            local $/; my $in = <STDIN>; $in = "[]" if $in eq "";
            for my $m (@{ JSON::PP->new->utf8->decode($in) }) {
                (my $box = $m->{mailbox}) =~ s/\Q$ENV{SEP}\E/\//g;
                (my $text = $m->{text}) =~ s/\r\n/\n/g;
                utf8::encode($text);
                my $flags = join " ", sort grep { $_ ne "\\Recent" } split / /, $m->{flags};
                print join("\t", $box, sha256_hex($text), $flags, $m->{"date.received"}), "\n";
            }' | LC_ALL=C sort
}

# total_messages STORE: how many messages the store holds, all mailboxes.
total_messages() { doveadm_on "$1" search mailbox '*' ALL | wc -l; }

# count_messages STORE MAILBOX: how many messages MAILBOX holds.
count_messages() { doveadm_on "$1" search mailbox "$(mbx "$1" "$2")" ALL | wc -l; }

# count_duplicates STORE: messages whose bytes, flags and date repeat an
# earlier message of the same mailbox.
count_duplicates() { store_digest "$1" | uniq -d -c | awk '{ n += $1 - 1 } END { print n + 0 }'; }

# assert_same_content [EXPECTED_TOTAL]: local and remote hold the same
# mailboxes and, per mailbox, the same messages (bytes, flags, date); with
# EXPECTED_TOTAL, each store holds exactly that many messages.
assert_same_content() {
    local lbox rbox ldig rdig
    lbox=$(store_mailboxes local)
    rbox=$(store_mailboxes remote)
    [ "$lbox" = "$rbox" ] || fail "mailbox lists differ:$(echo; diff <(echo "$lbox") <(echo "$rbox"))"
    ldig=$(store_digest local)
    rdig=$(store_digest remote)
    [ "$ldig" = "$rdig" ] || fail "contents differ (< local, > remote):$(echo; diff <(echo "$ldig") <(echo "$rdig"))"
    if [ -n "${1:-}" ]; then
        assert_eq "$(grep -c . <<<"$ldig" || true)" "$1" "messages in each store"
    fi
}

# snapshot: digests of both stores and a dump of the database, to check that
# a failed run changed nothing.
snapshot() {
    echo "== local"; store_mailboxes local; store_digest local
    echo "== remote"; store_mailboxes remote; store_digest remote
    echo "== database"; [ ! -e "$DB" ] || db_dump
}

# db_dump: the database's rows, in a stable order.
db_dump() {
    sqlite3 "$DB" "SELECT 'mailbox', idx, hex(mailbox), subscribed FROM mailboxes ORDER BY idx;
        SELECT 'local', * FROM local ORDER BY idx; SELECT 'remote', * FROM remote ORDER BY idx;
        SELECT 'mapping', * FROM mapping ORDER BY idx, lUID;"
}

# db_mailbox NAME: NAME ("/"-delimited) as the database spells it, an SQL
# expression (hierarchy delimiters are NUL characters there).
db_mailbox() { echo "CAST(replace('$1', '/', char(0)) AS BLOB)"; }

# mailbox_idx NAME: the database's index of mailbox NAME.
mailbox_idx() { sqlite3 "$DB" "SELECT idx FROM mailboxes WHERE mailbox = $(db_mailbox "$1")"; }

# mapping_count [MAILBOX]: rows of the mapping table, for one mailbox or all.
mapping_count() {
    if [ -n "${1:-}" ]; then
        sqlite3 "$DB" "SELECT count(*) FROM mapping JOIN mailboxes USING (idx) WHERE mailbox = $(db_mailbox "$1")"
    else
        sqlite3 "$DB" "SELECT count(*) FROM mapping"
    fi
}

# uids_of STORE MAILBOX: the UIDs in MAILBOX, ascending, space-separated.
uids_of() { doveadm_on "$1" -f flow fetch uid mailbox "$(mbx "$1" "$2")" ALL | sed 's/^uid=//' | sort -n | tr '\n' ' ' | sed 's/ $//'; }

# uid_of STORE MAILBOX SUBJECT: the UID of the message with that subject.
uid_of() {
    local uid
    uid=$(doveadm_on "$1" -f flow fetch uid mailbox "$(mbx "$1" "$2")" header Subject "$3" | sed 's/^uid=//')
    [ -n "$uid" ] && [ "$(wc -l <<<"$uid")" = 1 ] || fail "no single message [$3] in $1 $2: [$uid]"
    echo "$uid"
}

# flags_of STORE MAILBOX UID: the message's flags but \Recent, sorted.
flags_of() {
    doveadm_on "$1" -f flow fetch flags mailbox "$(mbx "$1" "$2")" uid "$3" |
        sed 's/^flags=//' | tr ' ' '\n' | grep -v -e '^\\Recent$' -e '^$' | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'
}

# date_of STORE MAILBOX UID: the INTERNALDATE, as "YYYY-MM-DD HH:MM:SS" (UTC
# when TZ=UTC, which lib_sync sets).
date_of() { doveadm_on "$1" -f flow fetch date.received mailbox "$(mbx "$1" "$2")" uid "$3" | sed "s/^date.received=//"; }

# add_flags / remove_flags / replace_flags STORE MAILBOX UID FLAGS
add_flags() { doveadm_on "$1" flags add "$4" mailbox "$(mbx "$1" "$2")" uid "$3"; }
remove_flags() { doveadm_on "$1" flags remove "$4" mailbox "$(mbx "$1" "$2")" uid "$3"; }
replace_flags() { doveadm_on "$1" flags replace "$4" mailbox "$(mbx "$1" "$2")" uid "$3"; }

# expunge_uid STORE MAILBOX UID
expunge_uid() { doveadm_on "$1" expunge mailbox "$(mbx "$1" "$2")" uid "$3"; }

# create_mailbox [-s] STORE NAME...: create (and with -s subscribe) mailboxes.
create_mailbox() {
    local opt=()
    if [ "$1" = -s ]; then opt=(-s); shift; fi
    local store=$1 name; shift
    for name in "$@"; do doveadm_on "$store" mailbox create "${opt[@]}" "$(mbx "$store" "$name")"; done
}
delete_mailbox() { doveadm_on "$1" mailbox delete "$(mbx "$1" "$2")"; }
rename_mailbox() { doveadm_on "$1" mailbox rename "$(mbx "$1" "$2")" "$(mbx "$1" "$3")"; }
subscribe_mailbox() { doveadm_on "$1" mailbox subscribe "$(mbx "$1" "$2")"; }

# uidvalidity_of STORE MAILBOX
uidvalidity_of() { doveadm_on "$1" -f flow mailbox status uidvalidity "$(mbx "$1" "$2")" | sed "s/.*uidvalidity=//"; }

# append_message STORE MAILBOX SUBJECT [INTERNALDATE] [FLAGS]: APPEND one
# message over IMAP, with an IMAP date ("01-Feb-2021 10:20:30 +0000") and a
# flag list ("\Seen $Label1") when given.
append_message() {
    append_messages "$1" "$2" 1 "$3" "${4:-}" "${5:-}"
}

# append_messages STORE MAILBOX COUNT PREFIX [INTERNALDATE] [FLAGS]: APPEND
# COUNT messages "PREFIX N" in one IMAP session (LITERAL+, no round trip per
# message). Without a date or flags, each message gets its own date (one
# minute apart from 2020-01-01) and a flag pattern (\Seen every 3rd, \Flagged
# every 5th, $Label1 every 7th).
append_messages() {
    local store=$1 name count=$3 oks
    name=$(mbx "$1" "$2")
    oks=$(NAME=$name COUNT=$count PREFIX=$4 DATE=${5:-} FLAGS=${6:-} perl -MPOSIX=strftime -e '
        my $base = 1577836800; # 2020-01-01 00:00:00 UTC
        (my $box = $ENV{NAME}) =~ s/(["\\])/\\$1/g;
        for my $i (1 .. $ENV{COUNT}) {
            my $subject = $ENV{COUNT} == 1 ? $ENV{PREFIX} : "$ENV{PREFIX} $i";
            my $date = $ENV{DATE} ne "" ? $ENV{DATE} : strftime("%d-%b-%Y %H:%M:%S +0000", gmtime($base + 60 * $i));
            my $flags = $ENV{FLAGS};
            if ($ENV{DATE} eq "" && $ENV{FLAGS} eq "") {
                my @f;
                push @f, "\\Seen" if $i % 3 == 0;
                push @f, "\\Flagged" if $i % 5 == 0;
                push @f, "\$Label1" if $i % 7 == 0;
                $flags = join " ", @f;
            }
            my @lines = ("From: Sender <sender\@example.org>", "To: user\@example.net",
                         "Subject: $subject", "Message-ID: <$i.$$.@{[int rand 1e9]}\@test>",
                         "", "Body of $subject", "line two");
            my $len = 0; $len += length($_) + 2 for @lines;
            print "a$i APPEND \"$box\" ($flags) \"$date\" {$len+}\n", map("$_\n", @lines), "\n";
        }' | imap_on "$store" 2>"$WORKDIR/append.err" | grep -c '^a[0-9]* OK' || true)
    assert_eq "$oks" "$count" "APPEND to $store $2"
}

# message_lines: the lines of $OUT about messages (copies, flag updates,
# removals, conflicts), not about mailboxes or traffic.
message_lines() { grep -E 'Added|Removed|Updated flags|WARNING|UID' <<<"$OUT" || true; }

# added_count PREFIX: how many messages the "PREFIX: Added N UID(s)" lines of
# $OUT add up to, e.g. added_count "local(INBOX)".
added_count() {
    grep -F -- "$1: Added " <<<"$OUT" | sed 's/.*: Added \([0-9]*\) UID(s).*/\1/' | awk '{ n += $1 } END { print n + 0 }'
}
