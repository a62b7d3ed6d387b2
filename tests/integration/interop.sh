#!/bin/bash
# Databases are shared with Debian's interimap 0.5.7 in both directions: ours
# continues a database the reference wrote, and the reference continues ours.
. "$(dirname "$0")/lib.sh"

new_store local / maildir
new_store remote . mdbox
doveadm_on local mailbox create -s Work Work/2024
doveadm_on remote mailbox create Lists Lists.debian
add_message local Work/2024 "report"
add_message remote Lists.debian "announcement"
add_message remote INBOX "hello"

# 1. The reference creates the database and synchronises everything.
write_config "$WORKDIR/config" "database = $WORKDIR/ref.db"
ref=$(interimap --config="$WORKDIR/config" 2>&1) || fail "reference run failed: $ref"
before=$(db_query "$WORKDIR/ref.db" "SELECT hex(mailbox), subscribed FROM mailboxes ORDER BY idx; SELECT * FROM local; SELECT * FROM remote; SELECT * FROM mapping;")

# 2. Ours continues it: nothing to create, nothing changed in the database.
out=$("$INTERIMAP" --config="$WORKDIR/config" 2>&1) || fail "our run on the reference's database failed: $out"
assert_not_contains "$out" "Creating new schema"
assert_not_contains "$out" "Created mailbox"
after=$(db_query "$WORKDIR/ref.db" "SELECT hex(mailbox), subscribed FROM mailboxes ORDER BY idx; SELECT * FROM local; SELECT * FROM remote; SELECT * FROM mapping;")
assert_eq "$after" "$before" "our run changed the reference's database"

# 3. A mailbox appears on the remote side: ours creates it locally and records it.
doveadm_on remote mailbox create -s News
add_message remote News "breaking"
out=$("$INTERIMAP" --config="$WORKDIR/config" 2>&1) || fail "our run failed: $out"
assert_contains "$out" "database: Created mailbox News"
assert_contains "$out" "local: Created mailbox News"

# 4. The reference continues our database: it copies the new message and exits 0.
ref=$(interimap --config="$WORKDIR/config" 2>&1) || fail "reference run on our database failed: $ref"
assert_not_contains "$ref" "Creating new schema"
assert_not_contains "$ref" "Created mailbox"
assert_eq "$(doveadm_on local search mailbox News ALL | wc -l)" 1 "message in News after the reference ran"

# 5. A database created by ours from scratch is continued by the reference.
write_config "$WORKDIR/config2" "database = $WORKDIR/ours.db"
out=$("$INTERIMAP" --config="$WORKDIR/config2" 2>&1) || fail "our first run failed: $out"
assert_contains "$out" "Creating new schema in database file $WORKDIR/ours.db"
ref=$(interimap --config="$WORKDIR/config2" 2>&1) || fail "reference run on our new database failed: $ref"
assert_not_contains "$ref" "Creating new schema"
assert_not_contains "$ref" "database: Created mailbox"
assert_eq "$(db_query "$WORKDIR/ours.db" 'SELECT count(*) FROM mailboxes')" 6
echo "interop: ok"
