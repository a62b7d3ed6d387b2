# Helpers for the --delete and --rename tests, on top of the sync tests'
# helpers (stores, configuration, snapshots). Mailbox names given to them use
# "/" as the hierarchy delimiter whatever the stores use.
. "$(dirname "${BASH_SOURCE[0]}")/../sync/lib_sync.sh"

# hex_name NAME: NAME as the database stores it (delimiter as NUL), in hex.
hex_name() { printf '%s' "$1" | tr / '\0' | od -An -tx1 | tr -d ' \n' | tr a-f A-F; }

# db_names: the stored names, "/"-delimited, sorted.
db_names() {
    sqlite3 "$DB" "SELECT hex(mailbox) FROM mailboxes" |
        perl -ne 'chomp; my $n = pack("H*", $_); $n =~ s/\0/\//g; print "$n\n"' | LC_ALL=C sort
}

# db_idx NAME: the row id of NAME in the database, empty if absent.
db_idx() { sqlite3 "$DB" "SELECT idx FROM mailboxes WHERE hex(mailbox) = '$(hex_name "$1")'"; }

# db_rows IDX: how many rows of the local, remote and mapping tables belong
# to IDX, as "L R M".
db_rows() {
    sqlite3 "$DB" "SELECT (SELECT count(*) FROM local WHERE idx = $1) || ' ' ||
        (SELECT count(*) FROM remote WHERE idx = $1) || ' ' ||
        (SELECT count(*) FROM mapping WHERE idx = $1)"
}

# one_line STORE: the store's mailboxes on one line, "/"-delimited.
one_line() { store_mailboxes "$1" | tr '\n' ' ' | sed 's/ $//'; }

# server_lines: the lines of $OUT but the traffic summary, whose order
# between the servers is not fixed.
server_lines() { grep -v 'IMAP traffic' <<<"$OUT" || true; }
