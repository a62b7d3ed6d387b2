#!/bin/bash
# The Debian packages, for real. Built by packaging/build-debs.sh (into
# $PACKAGE_BUILD_DIR), checked with lintian and against `cmake --install` (no
# installed file is left out of every package), then installed with dpkg -i
# inside a private mount namespace whose /usr, /etc and /var are overlays with
# a tmpfs on top: dpkg works for real (dependencies, triggers, replacing
# Debian's interimap 0.5.7), and everything it writes vanishes with the
# namespace, unseen by the tests running beside this one. There the installed
# interimap lists its plugins from their install directory with no variable,
# synchronises two Dovecot stores over tunnels, builds the example plugin
# against the installed libinterimap-core-dev and loads it, and after
# `dpkg -r interimap-plugin-socks5` says in one line that a configuration with
# a proxy needs the missing plugin.
set -euo pipefail
: "${INTERIMAP_SOURCE_DIR:?}" "${PACKAGE_BUILD_DIR:?}"
fail() { echo "FAIL: $*" >&2; exit 1; }

if [ -z "${IN_PACKAGE_NAMESPACE:-}" ]; then
    [ "$(id -u)" = 0 ] || fail "this test installs packages (in a mount namespace) and must run as root"
    for tool in dpkg-buildflags dpkg-shlibdeps lintian unshare file; do
        command -v "$tool" >/dev/null || fail "$tool is not installed (tests/run-tests.sh installs it)"
    done
    # Low priority: the other tests run beside this build.
    nice -n 10 "$INTERIMAP_SOURCE_DIR/packaging/build-debs.sh" "$PACKAGE_BUILD_DIR"
    debs=("$PACKAGE_BUILD_DIR"/*.deb)

    # lintian: no error or warning but these, for the reasons given.
    allowed=(
        # Not uploaded to Debian: there is no ITP bug for the changelog to close.
        initial-upload-closes-no-bugs
        # CPack writes maintainer scripts calling ldconfig, beside the trigger
        # (packaging/debian/triggers) that makes them redundant but harmless.
        maintscript-calls-ldconfig
    )
    # The manual pages come with share/man (another branch); once there, a
    # program without its page is an error again.
    [ -d "$INTERIMAP_SOURCE_DIR/share/man" ] || allowed+=(no-manual-page)
    out=$(lintian --suppress-tags "$(IFS=,; echo "${allowed[*]}")" "${debs[@]}" 2>&1) || true
    if grep -E '^[EW]: ' <<<"$out"; then
        fail "lintian reports errors or warnings"
    fi

    # Every file `cmake --install` writes is in a package: an install rule
    # without a component of a package would silently leave its files out.
    work=$(mktemp -d /tmp/interimap-debs.XXXXXX)
    trap 'rm -rf "$work"' EXIT
    DESTDIR="$work/all" cmake --install "$PACKAGE_BUILD_DIR" >/dev/null
    (cd "$work/all" && find . ! -type d | sort) > "$work/installed"
    # Manual pages are compressed in packages only (packaging/compress-manpages.cmake).
    for deb in "${debs[@]}"; do dpkg-deb -c "$deb"; done | awk '$6 !~ /\/$/ {print $6}' |
        sed 's|^\(\./usr/share/man/.*\)\.gz$|\1|' | sort > "$work/packaged"
    diff -u "$work/installed" "$work/packaged" || fail "installed files and packaged files differ"
    # No file in two packages.
    dups=$(uniq -d "$work/packaged")
    [ -z "$dups" ] || fail "files in several packages: $dups"

    # The machine's own interimap, before and after: untouched.
    before=$(dpkg-query -W -f='${Version}' interimap 2>/dev/null || echo none)
    sum_before=$(sha256sum /usr/bin/interimap 2>/dev/null || echo none)
    IN_PACKAGE_NAMESPACE=1 PACKAGE_WORK="$work" unshare --mount --propagation private bash "$0"
    assert() { [ "$1" = "$2" ] || fail "$3"; }
    assert "$(dpkg-query -W -f='${Version}' interimap 2>/dev/null || echo none)" "$before" \
        "the machine's interimap package changed"
    assert "$(sha256sum /usr/bin/interimap 2>/dev/null || echo none)" "$sum_before" \
        "the machine's /usr/bin/interimap changed"
    echo "debian packages: ok"
    exit 0
fi

# --- Inside the mount namespace ----------------------------------------------
overlay="$PACKAGE_WORK/overlay"
mkdir -p "$overlay"
mount -t tmpfs tmpfs "$overlay"
# Mounts below the overlaid directories (a container's /etc/resolv.conf...)
# would be hidden by the overlays: bind them again on top.
mapfile -t submounts < <(findmnt -rn -o TARGET | grep -E '^/(usr|etc|var)/' || true)
for i in "${!submounts[@]}"; do
    if [ -d "${submounts[$i]}" ]; then mkdir "$overlay/keep$i"; else touch "$overlay/keep$i"; fi
    mount --bind "${submounts[$i]}" "$overlay/keep$i"
done
for dir in usr etc var; do
    mkdir -p "$overlay/$dir/upper" "$overlay/$dir/work"
    mount -t overlay overlay -o "lowerdir=/$dir,upperdir=$overlay/$dir/upper,workdir=$overlay/$dir/work" "/$dir"
done
for i in "${!submounts[@]}"; do mount --bind "$overlay/keep$i" "${submounts[$i]}"; done

export INTERIMAP=/usr/bin/interimap
unset INTERIMAP_PLUGIN_PATH
. "$INTERIMAP_SOURCE_DIR/tests/integration/lib.sh"

out=$(dpkg -i "$PACKAGE_BUILD_DIR"/*.deb 2>&1) || fail "dpkg -i failed: $out"
echo "$out" | grep -E '^(Unpacking|Setting up)'
assert_eq "$(dpkg-query -W -f='${Version}' interimap)" "$(dpkg-deb -f "$PACKAGE_BUILD_DIR"/interimap_*.deb Version)" \
    "installed interimap version"
plugin_dir=/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/interimap/plugins

# Each plugin comes from the package meant for it.
for entry in tunnel:interimap tcp:interimap tls:interimap plain:interimap login:interimap \
    sqlite:interimap socks5:interimap-plugin-socks5 deflate:interimap-plugin-deflate; do
    assert_eq "$(dpkg -S "$plugin_dir/interimap-${entry%%:*}.so" | cut -d: -f1)" "${entry#*:}" \
        "package of plugin ${entry%%:*}"
done
assert_eq "$(dpkg -S /usr/bin/interimap | cut -d: -f1)" interimap "package of /usr/bin/interimap"

# The installed program, its plugins found in their directory, no variable.
version=$(/usr/bin/interimap --version)
echo "$version"
assert_contains "$version" "interimap version "
for plugin in tunnel tcp tls PLAIN LOGIN sqlite socks5 deflate; do
    assert_contains "$version" "$plugin ("
done
assert_not_contains "$version" "unusable"
assert_eq "$(grep -c "\[$plugin_dir/interimap-" <<<"$version")" 8 "plugins listed from $plugin_dir"

# A synchronisation between two Dovecot stores through the installed files.
new_store local / maildir
new_store remote . mdbox
doveadm_on local mailbox create -s Projects
for i in 1 2 3; do add_message local INBOX "local $i"; done
add_message remote INBOX "remote 1"
write_config "$XDG_CONFIG_HOME/interimap/config"
out=$(/usr/bin/interimap 2>&1) || fail "interimap run failed: $out"
assert_contains "$out" "remote: Created mailbox Projects"
assert_eq "$(doveadm_on remote -f tab mailbox status messages INBOX | tail -1 | cut -f2)" 4 "messages in the remote INBOX"
assert_eq "$(doveadm_on local -f tab mailbox status messages INBOX | tail -1 | cut -f2)" 4 "messages in the local INBOX"

# libinterimap-core-dev: the example plugin builds against the installed SDK
# alone and installs into the plugin directory, where interimap finds it.
cmake -S "$INTERIMAP_SOURCE_DIR/tests/sdk/example/cram_md5" -B "$WORKDIR/example" >/dev/null ||
    fail "the example plugin does not configure against libinterimap-core-dev"
cmake --build "$WORKDIR/example" >/dev/null || fail "the example plugin does not build"
cmake --install "$WORKDIR/example" >/dev/null
[ -f "$plugin_dir/interimap-cram-md5.so" ] || fail "the example plugin was not installed in $plugin_dir"
assert_contains "$(/usr/bin/interimap --version)" "CRAM-MD5 (authenticator)"
assert_eq "$(pkg-config --variable=pluginsdir interimap)" "$plugin_dir" "pluginsdir of interimap.pc"

# Without the socks5 package, a configuration with a proxy fails before any
# connection, in one error line naming the plugin and where it was looked for.
dpkg -r interimap-plugin-socks5 >/dev/null
assert_not_contains "$(/usr/bin/interimap --version)" "socks5"
daemon_client_config proxy "$WORKDIR/proxy.db" "type = imap" "host = 127.0.0.1" "port = 9" \
    "proxy = socks5://127.0.0.1:9" "username = alice" "password = x"
status=0
out=$(/usr/bin/interimap --config="$WORKDIR/proxy.conf" 2>&1) || status=$?
echo "$out"
assert_eq "$status" 1 "exit status without the socks5 plugin"
assert_contains "$out" "remote: ERROR: plugin socks5 (transport) not found: no interimap-socks5.so in $plugin_dir"
assert_eq "$(grep -c ERROR <<<"$out")" 1 "error lines without the socks5 plugin"

# Removing every package leaves nothing of ours but the example plugin,
# which cmake installed.
dpkg -r $(for deb in "$PACKAGE_BUILD_DIR"/*.deb; do dpkg-deb -f "$deb" Package; done | grep -v socks5) >/dev/null
left=$(find "$plugin_dir" /usr/lib/*/libinterimap-core* -mindepth 0 ! -type d 2>/dev/null | grep -v cram-md5 || true)
[ -z "$left" ] || fail "left behind: $left"
