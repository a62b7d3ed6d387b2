#!/bin/bash
# New messages on either side are copied to the other with their bytes, flags
# and INTERNALDATE; the database maps every copy; a run with nothing new logs
# nothing about messages. Batches larger than one MULTIAPPEND (128 messages)
# and a message larger than 1 MiB are part of the first run.
. "$(dirname "$0")/lib_sync.sh"

new_pair / .
create_mailbox local Work Work/Reports
create_mailbox remote Bulk
append_messages local INBOX 3 "local inbox"
append_message local INBOX "dated" "15-Mar-2019 08:09:10 +0100" '\Answered $Label1'
append_messages remote INBOX 2 "remote inbox"
append_messages local Work/Reports 4 "report"
append_messages remote Bulk 300 "bulk"

# A message over 1 MiB (the reference flushes its MULTIAPPEND batch there).
perl -e 'print "From: big\@example.org\nSubject: big\n\n", ("x" x 99, "\n") x 12000' |
    doveadm_on remote save -m Bulk

sync_ok
assert_contains "$OUT" "remote(INBOX): Added 4 UID(s) 1:4 -> 3:6"
assert_contains "$OUT" "local(INBOX): Added 2 UID(s) 5:6 <- 1:2"
assert_contains "$OUT" "remote(Work.Reports): Added 4 UID(s) 1:4 -> 1:4"
# The reference logs one line per MULTIAPPEND batch: count them all.
assert_contains "$OUT" "local(Bulk): Added 128 UID(s) 1:128 <- 1:128"
assert_eq "$(added_count "local(Bulk)")" 301 "messages logged as added to Bulk"

assert_same_content 311
assert_eq "$(count_messages local INBOX)" 6
assert_eq "$(count_messages remote Work/Reports)" 4
assert_eq "$(count_messages local Bulk)" 301

# Flags and date of one message, explicitly.
uid=$(uid_of remote INBOX dated)
assert_eq "$(flags_of remote INBOX "$uid")" '$Label1 \Answered' "flags copied"
assert_eq "$(date_of remote INBOX "$uid")" "2019-03-15 07:09:10" "INTERNALDATE copied"
uid=$(uid_of local Bulk big)
assert_eq "$(doveadm_on local -f flow fetch size.virtual mailbox Bulk uid "$uid")" "size.virtual=1212039" "size of the big message"

# One mapping row per message pair, per mailbox.
assert_eq "$(mapping_count)" 311 "mapping rows"
assert_eq "$(mapping_count INBOX)" 6 "INBOX mapping rows"
assert_eq "$(mapping_count Work/Reports)" 4 "Work/Reports mapping rows"
assert_eq "$(mapping_count Bulk)" 301 "Bulk mapping rows"

# Nothing new: no message line, no change in the database.
before=$(db_dump)
sync_ok
assert_eq "$(message_lines)" "" "second run logs about messages"
assert_eq "$(db_dump)" "$before" "second run changed the database"

# New messages on both sides of an already synchronised mailbox.
append_message local Work/Reports "late local" "01-Jan-2001 00:00:01 +0000" '\Seen'
append_message remote Work/Reports "late remote" "02-Jan-2001 00:00:02 +0000" '\Flagged \Draft'
sync_ok --debug
# A plain copy names no sender: no ENVELOPE asked for (the server would
# parse every header for it); --repair asks for it (repair.sh).
assert_contains "$OUT" "(MODSEQ FLAGS INTERNALDATE BODY.PEEK[])"
case "$OUT" in *ENVELOPE*) fail "a plain copy fetched ENVELOPE" ;; esac
assert_contains "$OUT" "remote(Work.Reports): Added 1 UID(s) 5 -> 6"
assert_contains "$OUT" "local(Work/Reports): Added 1 UID(s) 6 <- 5"
assert_same_content 313
assert_eq "$(mapping_count Work/Reports)" 6
assert_eq "$(flags_of local Work/Reports "$(uid_of local Work/Reports "late remote")")" '\Draft \Flagged'

sync_ok
assert_eq "$(message_lines)" "" "last run logs about messages"
echo "new messages: ok"
