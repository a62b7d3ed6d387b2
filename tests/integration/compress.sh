#!/bin/bash
# COMPRESS=DEFLATE (RFC 4978) against Dovecot's imap_zlib: asked for by
# default on [remote] once authenticated, not on [local]; compress = NO turns
# it off; the traffic summary counts bytes on the wire, so the saving shows.
. "$(dirname "$0")/sync/lib_sync.sh"

# Dovecot offers COMPRESS with its imap_zlib plugin, given on the imap
# command line (doveadm exec ignores protocol sections).
zlib_command() { echo "$(imap_command "$1") -o 'mail_plugins=zlib imap_zlib'"; }

# config FILE [LINE...]: both servers with COMPRESS available; extra lines
# go to the [remote] section.
config() {
    local file=$1; shift
    {
        echo "database = $WORKDIR/$(basename "$file").db"
        echo "[local]"
        echo "type = tunnel"
        echo "command = $(zlib_command local)"
        echo "null-stderr = YES"
        echo "[remote]"
        echo "type = tunnel"
        echo "command = $(zlib_command remote)"
        echo "null-stderr = YES"
        for line in "$@"; do echo "$line"; done
    } > "$file"
}

# received_bytes OUTPUT SIDE: the "recv" figure of SIDE's traffic summary, in bytes.
received_bytes() {
    grep -F "$2: IMAP traffic (bytes): recv " <<<"$1" |
        sed 's/.*recv \([0-9.]*\)\([KMG]\?\) sent.*/\1 \2/' |
        awk '{ m = $2 == "K" ? 1024 : $2 == "M" ? 1048576 : $2 == "G" ? 1073741824 : 1; printf "%d\n", $1 * m }'
}

new_pair / .
append_messages remote INBOX 300 "text"

config "$WORKDIR/compressed"
OUT=$("$INTERIMAP" --config="$WORKDIR/compressed" --debug 2>&1) || fail "compressed run failed: $OUT"
assert_contains "$OUT" "remote: C: " "debug log"
grep -qE '^remote: C: [0-9]+ COMPRESS DEFLATE$' <<<"$OUT" || fail "remote did not COMPRESS: $OUT"
! grep -qE '^local: C: [0-9]+ COMPRESS' <<<"$OUT" || fail "local compressed by default"
assert_eq "$(count_messages local INBOX)" 300 "messages copied through the compressed session"
compressed=$(received_bytes "$OUT" remote)

# The same copy, uncompressed, from a fresh pair with the same content.
new_pair / .
append_messages remote INBOX 300 "text"
config "$WORKDIR/plain" "compress = NO"
OUT=$("$INTERIMAP" --config="$WORKDIR/plain" --debug 2>&1) || fail "plain run failed: $OUT"
! grep -qE 'C: [0-9]+ COMPRESS' <<<"$OUT" || fail "compress = NO still compressed"
plain=$(received_bytes "$OUT" remote)
[ "$compressed" -gt 0 ] && [ "$plain" -gt 0 ] || fail "no traffic figures: [$compressed] [$plain]"
[ $((compressed * 2)) -lt "$plain" ] ||
    fail "compression saved too little: $compressed bytes received compressed, $plain plain"
echo "compress: ok ($plain bytes plain, $compressed compressed)"
