#!/bin/bash
# A server that answers NO or BAD to a UID STORE, a UID EXPUNGE, an APPEND or
# the UID FETCH of a copy's bodies:
# the run stops with one error line naming the server, the mailbox and the
# server's answer, and a non-zero exit; APPENDs pipelined after a refused one
# are answered and mapped before the run ends; the next run (the server
# willing again) ends with both sides equal, nothing lost and nothing twice. The
# refusals come from the real Dovecot: refusing_tunnel.pl replaces the
# chosen command by one Dovecot refuses, so the store is left as a server
# that refused it leaves it.
. "$(dirname "$0")/lib_sync.sh"

REFUSALS="$WORKDIR/refusals"

# refusing STORE VERB N ANSWER [LINE...]: STORE's tunnel refuses the N-th
# VERB command; LINEs go to the configuration's default section.
refusing() {
    local wrapper="perl $(dirname "$0")/refusing_tunnel.pl '$2' $3 $4 $REFUSALS"
    sync_config "${@:5}"
    sed -i "/^\[$1\]/,/^\[/ s|^command = |command = $wrapper |" "$CONF"
}

# run_refused PREFIX ANSWER_TEXT: a run that must fail on the refusal, its
# error line starting with PREFIX (the log prefix).
run_refused() {
    : >"$REFUSALS"
    run_sync
    [ "$STATUS" -ne 0 ] || fail "interimap succeeded despite a refusal: $OUT"
    [ -s "$REFUSALS" ] || fail "nothing was refused: $OUT"
    local errors
    errors=$(grep -F "ERROR" <<<"$OUT" || true)
    assert_eq "$(grep -c . <<<"$errors")" 1 "error lines"
    assert_contains "$errors" "$1ERROR: " "the error names the mailbox"
    assert_contains "$errors" "$2" "the error quotes the server"
    sync_config
}

NO_TEXT="NO Mailbox doesn't exist: refused-by-test"
BAD_TEXT="BAD Error in IMAP command REFUSED-BY-TEST"

new_pair
append_messages remote INBOX 9 "first"
sync_ok
assert_same_content 9

# 1. A flag update refused, with NO then with BAD.
uid=$(uid_of local INBOX "first 2")
add_flags local INBOX "$uid" '\Answered'
refusing remote "UID STORE" 1 NO
run_refused "remote(INBOX): " "$NO_TEXT"
assert_eq "$(flags_of remote INBOX "$(uid_of remote INBOX "first 2")")" "" "flags on the remote after the refusal"
# The component and the mailbox go where the user's log-prefix puts them.
# (Both programs strip the value's trailing blanks.)
refusing remote "UID STORE" 1 NO "log-prefix = %n [%m]:"
run_refused "remote [INBOX]:" "$NO_TEXT"
add_flags local INBOX "$(uid_of local INBOX "first 4")" '$Label2'
refusing remote "UID STORE" 1 BAD
run_refused "remote(INBOX): " "$BAD_TEXT"
sync_ok
assert_eq "$(flags_of remote INBOX "$(uid_of remote INBOX "first 2")")" '\Answered' "flags on the remote, once accepted"
assert_contains "$(flags_of remote INBOX "$(uid_of remote INBOX "first 4")")" '$Label2' "flags on the remote, once accepted"
assert_same_content 9

# 2. An expunge refused: UID EXPUNGE answered NO after the STORE of \Deleted.
expunge_uid local INBOX "$(uid_of local INBOX "first 3")"
refusing remote "UID EXPUNGE" 1 NO
run_refused "remote(INBOX): " "$NO_TEXT"
assert_eq "$(count_messages remote INBOX)" 9 "messages on the remote after the refused expunge"
sync_ok
assert_eq "$(count_messages remote INBOX)" 8 "messages on the remote, once accepted"
assert_same_content 8

# 3. An APPEND refused after earlier ones were accepted, into the remote: the
# batches accepted are not appended again, the refused one is.
append_messages local INBOX 600 "local new"
refusing remote "APPEND" 2 NO
run_refused "remote(INBOX): " "$NO_TEXT"
before=$(count_messages remote INBOX)
[ "$before" -gt 8 ] && [ "$before" -lt 608 ] || fail "the remote holds $before messages: the refusal did not come between accepted APPENDs"
# The APPENDs after the refused one ran too: all were answered before the
# run ended, and what they added is mapped already (nothing left for the
# next run to guess about, or to miss if the server were still appending).
assert_eq "$(mapping_count)" "$before" "mapping rows after the refused APPEND"
sync_ok
assert_same_content 608
assert_eq "$(count_duplicates remote)" 0 "duplicates on the remote"
assert_eq "$(mapping_count)" 608 "mapping rows"

# 4. The other way, into the local server, answered BAD.
append_messages remote INBOX 600 "remote new"
refusing local "APPEND" 2 BAD
run_refused "local(INBOX): " "$BAD_TEXT"
assert_eq "$(mapping_count)" "$(count_messages local INBOX)" "mapping rows after the refused APPEND"
sync_ok
assert_same_content 1208
assert_eq "$(count_duplicates local)" 0 "duplicates on the local server"
assert_eq "$(mapping_count)" 1208 "mapping rows"

# 5. The source refuses the UID FETCH of the bodies: nothing is appended,
# the run fails on it, and the next run copies every message once.
append_messages remote INBOX 300 "fetched later"
refusing remote "UID FETCH" 1 NO
run_refused "remote(INBOX): " "$NO_TEXT"
assert_eq "$(count_messages local INBOX)" 1208 "messages on the local server after the refused FETCH"
sync_ok
assert_same_content 1508
assert_eq "$(count_duplicates local)" 0 "duplicates on the local server"
assert_eq "$(mapping_count)" 1508 "mapping rows"
