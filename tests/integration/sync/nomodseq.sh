#!/bin/bash
# A mailbox without permanent MODSEQs ([NOMODSEQ]: Dovecot keeps no index on
# disk for it, INDEX=MEMORY) cannot be synchronised with QRESYNC: the run
# aborts with the reference's message ("doesn't support MODSEQ"), and
# neither store nor the database changes.
. "$(dirname "$0")/lib_sync.sh"

# Maildir on both sides: the UIDs survive the loss of the index.
new_store local / maildir
new_store remote . maildir
sync_config
append_messages remote INBOX 5 "first"
sync_ok
assert_same_content 5

# The remote loses its on-disk index (UIDs stay: maildir keeps them in
# dovecot-uidlist); changes on both sides wait.
sed -i "s|^\(mail_location = .*\)$|\1:INDEX=MEMORY|" "$WORKDIR/remote/dovecot.conf"
append_message remote INBOX "second"
append_message local INBOX "third"
add_flags local INBOX "$(uid_of local INBOX "first 1")" '\Answered'
before=$(snapshot)
run_sync
[ "$STATUS" -ne 0 ] || fail "interimap succeeded on a NOMODSEQ mailbox: $OUT"
assert_contains "$OUT" "remote: ERROR: Mailbox INBOX doesn't support MODSEQ." "the error"
assert_eq "$(grep -c ERROR <<<"$OUT")" 1 "error lines"
assert_eq "$(snapshot)" "$before" "a run that aborted on NOMODSEQ changed something"
