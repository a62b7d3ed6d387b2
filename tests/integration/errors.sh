#!/bin/bash
# Failures give one clear line and a non-zero exit, before any harm: a server
# lacking a required extension, a tunnel that dies, a bad configuration, a
# plugin that is missing or built for another ABI. A tunnel-only configuration
# never loads the TLS plugin.
. "$(dirname "$0")/lib.sh"

new_store local / maildir
new_store remote . maildir

# run_expect_failure CONFIG EXPECTED_TEXT [STATUS]
run_expect_failure() {
    local out status=0
    out=$("$INTERIMAP" --config="$1" 2>&1) || status=$?
    [ "$status" -ne 0 ] || fail "expected a failure with [$2], got success: $out"
    [ -z "${3:-}" ] || assert_eq "$status" "$3" "exit status"
    assert_contains "$out" "$2"
}

# A server without UIDPLUS (a scripted PREAUTH greeting).
cat > "$WORKDIR/fake-server.sh" <<'SH'
printf '* PREAUTH [CAPABILITY IMAP4rev1 ENABLE QRESYNC LIST-EXTENDED LIST-STATUS] ready\r\n'
cat >/dev/null
SH
write_config "$WORKDIR/noplus.conf" "database = $WORKDIR/noplus.db"
sed -i "0,/^command = /s|^command = .*|command = sh $WORKDIR/fake-server.sh|" "$WORKDIR/noplus.conf"
run_expect_failure "$WORKDIR/noplus.conf" "local: ERROR: Non UIDPLUS-capable IMAP server." 1

# A tunnel command that exits at once.
write_config "$WORKDIR/dead.conf" "database = $WORKDIR/dead.db"
sed -i "0,/^command = /s|^command = .*|command = sh -c 'exit 3'|" "$WORKDIR/dead.conf"
run_expect_failure "$WORKDIR/dead.conf" "local: ERROR: " 1
out=$("$INTERIMAP" --config="$WORKDIR/dead.conf" 2>&1 || true)
assert_contains "$out" "status 3"

# An unknown option names the file and the line.
write_config "$WORKDIR/typo.conf" "database = $WORKDIR/typo.db" "list-mailbx = INBOX"
run_expect_failure "$WORKDIR/typo.conf" "$WORKDIR/typo.conf:2"
out=$("$INTERIMAP" --config="$WORKDIR/typo.conf" 2>&1 || true)
assert_contains "$out" "list-mailbx"
[ ! -e "$WORKDIR/typo.db" ] || fail "a bad configuration created the database"

# type=imaps needs the TLS plugin; the error names it (issue: TLS comes later,
# and a distribution may ship it separately).
mkdir -p "$WORKDIR/empty-plugins"
printf 'database = %s\n[local]\ntype = tunnel\ncommand = %s\n[remote]\ntype = imaps\nhost = 127.0.0.1\nport = 1\n' \
    "$WORKDIR/tls.db" "$(imap_command local)" > "$WORKDIR/tls.conf"
if [ ! -e "$(dirname "$INTERIMAP")/../lib/interimap/plugins/interimap-tls.so" ]; then
    run_expect_failure "$WORKDIR/tls.conf" "plugin tls (transport) not found" 1
fi

# A tunnel-only configuration never loads TLS: an unloadable interimap-tls.so
# first on the search path does not matter.
mkdir -p "$WORKDIR/broken-plugins"
echo "not a shared object" > "$WORKDIR/broken-plugins/interimap-tls.so"
write_config "$WORKDIR/ok.conf" "database = $WORKDIR/ok.db"
out=$(INTERIMAP_PLUGIN_PATH="$WORKDIR/broken-plugins" "$INTERIMAP" --config="$WORKDIR/ok.conf" 2>&1) ||
    fail "a tunnel-only run touched the TLS plugin: $out"

# A tunnel plugin built for another ABI version is refused by name, file and versions.
cp "$TEST_PLUGIN_DIR/interimap-future.so" "$WORKDIR/broken-plugins/interimap-tunnel.so"
out=$(INTERIMAP_PLUGIN_PATH="$WORKDIR/broken-plugins" "$INTERIMAP" --config="$WORKDIR/ok.conf" 2>&1) &&
    fail "a plugin with the wrong ABI was accepted: $out"
assert_contains "$out" "plugin tunnel: $WORKDIR/broken-plugins/interimap-tunnel.so was built for plugin ABI version 2, expected version 1"
echo "errors: ok"
