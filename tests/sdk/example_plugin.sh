#!/bin/bash
# An out-of-tree plugin against the installed SDK only. This build is
# installed (cmake --install --prefix) into a temporary prefix; the example
# plugin, copied out of the source tree, is configured with that prefix as
# its only hint (find_package(InterIMAP)), built and installed into the
# prefix's plugin directory; the installed interimap, with no variable set,
# lists it and authenticates with it (auth = CRAM-MD5) against a Dovecot
# daemon that offers nothing else. The same source also builds by hand with
# the flags of interimap.pc.
INTERIMAP=unset # lib.sh wants it; the installed program is set below
. "$INTERIMAP_SOURCE_DIR/tests/integration/lib.sh"
: "${INTERIMAP_BUILD_DIR:?}"

prefix="$WORKDIR/prefix"
cmake --install "$INTERIMAP_BUILD_DIR" --prefix "$prefix" >/dev/null
INTERIMAP="$prefix/bin/interimap"
# Nothing installed for plugin authors points back into the source or build tree.
if grep -rlE "$INTERIMAP_SOURCE_DIR|$INTERIMAP_BUILD_DIR" "$prefix/include" "$prefix/lib/cmake" "$prefix/lib/pkgconfig"; then
    fail "installed SDK files name the source or build tree"
fi

# The example, as a plugin author would build it.
cp -r "$INTERIMAP_SOURCE_DIR/tests/sdk/example/cram_md5" "$WORKDIR/cram_md5"
cmake -S "$WORKDIR/cram_md5" -B "$WORKDIR/cram_md5/build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null ||
    fail "the example does not configure against the installed SDK"
cmake --build "$WORKDIR/cram_md5/build" >/dev/null || fail "the example does not build"
cmake --install "$WORKDIR/cram_md5/build" >/dev/null
[ -f "$prefix/lib/interimap/plugins/interimap-cram-md5.so" ] ||
    fail "the example was not installed in the prefix's plugin directory"
version=$("$INTERIMAP" --version)
assert_contains "$version" "CRAM-MD5 (authenticator): SASL CRAM-MD5 (RFC 2195), an example built against the installed SDK  [$prefix/lib/interimap/plugins/interimap-cram-md5.so]"
assert_not_contains "$version" "unusable"

# The daemon offers CRAM-MD5 only (the last auth_mechanisms wins).
start_dovecot_daemon daemon "auth_mechanisms = cram-md5"
seed_local_store
# config NAME PASSWORD
config() {
    daemon_client_config "$1" "$WORKDIR/$1.db" "type = imap" "host = 127.0.0.1" "port = $daemon_port" \
        "STARTTLS = NO" "auth = CRAM-MD5" "username = alice" "password = $2"
}
config cram s3cret-pass
out=$("$INTERIMAP" --config="$WORKDIR/cram.conf" --debug 2>&1) || fail "run with CRAM-MD5 failed: $out"
assert_contains "$out" "AUTHENTICATE CRAM-MD5"
assert_contains "$out" "remote: Created mailbox Projects"
assert_eq "$(daemon_count daemon .)" 3 "messages in the daemon's INBOX"

# A wrong password is refused by the server: the plugin's answer is checked.
config wrong not-the-password
status=0
out=$("$INTERIMAP" --config="$WORKDIR/wrong.conf" 2>&1) || status=$?
assert_eq "$status" 1 "exit status with a wrong password"
assert_contains "$out" "remote: ERROR: Authentication failed"

# Without the plugin, the configuration names what is missing.
rm "$prefix/lib/interimap/plugins/interimap-cram-md5.so"
status=0
out=$("$INTERIMAP" --config="$WORKDIR/cram.conf" 2>&1) || status=$?
assert_eq "$status" 1 "exit status without the plugin"
assert_contains "$out" "plugin CRAM-MD5 (authenticator) not found: no interimap-cram-md5.so in $prefix/lib/interimap/plugins"

# By hand, with interimap.pc (relocated to the prefix with --define-prefix).
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
flags=$(pkg-config --define-prefix --cflags --libs interimap)
assert_contains "$flags" "-I$prefix/include"
mkdir "$WORKDIR/by-hand"
# shellcheck disable=SC2086 # the flags are words
g++ -shared -fPIC -fvisibility=hidden $flags -o "$WORKDIR/by-hand/interimap-cram-md5.so" \
    "$WORKDIR/cram_md5/cram_md5.cpp" -lcrypto || fail "the example does not build with interimap.pc"
assert_contains "$(INTERIMAP_PLUGIN_PATH="$WORKDIR/by-hand" "$INTERIMAP" --version)" \
    "CRAM-MD5 (authenticator): SASL CRAM-MD5 (RFC 2195), an example built against the installed SDK  [$WORKDIR/by-hand/interimap-cram-md5.so]"
echo "sdk example plugin: ok"
