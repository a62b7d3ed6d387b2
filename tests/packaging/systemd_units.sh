#!/bin/bash
# The systemd user units as `cmake --install` writes them: systemd-analyze
# verify must accept them without a word (it exits 0 on unknown keys and bad
# values, printing a warning, so any output fails the test), a template with an
# instance name included, and their sandboxing must keep the exposure that
# `systemd-analyze security` measures below 7 (no sandboxing at all: 9.6).
# ExecStart= is pointed at the programs of this build, which verify wants to
# exist.
. "$(dirname "$0")/lib.sh"
command -v systemd-analyze >/dev/null || fail "systemd-analyze is not installed"
install_programs
units=$(find "$work/prefix" -name '*.service' | sort)
[ -n "$units" ] || fail "no unit installed"
prefix_bin=$(grep -h '^ExecStart=' $units | sed -n '1s|^ExecStart=\(.*\)/[^/ ]* .*|\1|p')
mkdir "$work/units" "$work/runtime"
chmod 0700 "$work/runtime"
for unit in $units; do
    name=$(basename "$unit")
    program=$(sed -n 's|^ExecStart=[^ ]*/\([^/ ]*\) .*|\1|p' "$unit")
    [ -x "$INTERIMAP_BUILD_DIR/bin/$program" ] || {
        echo "skipping $name: $program is not built"
        continue
    }
    sed "s|^ExecStart=$prefix_bin/|ExecStart=$INTERIMAP_BUILD_DIR/bin/|" "$unit" > "$work/units/$name"
    # A template is checked as itself and as an instance.
    case $name in *@.service) cp "$work/units/$name" "$work/units/${name/@./@example.}" ;; esac
done
ls "$work/units"

cd "$work/units"
export XDG_RUNTIME_DIR="$work/runtime"
for unit in *.service; do
    out=$(systemd-analyze --user verify "./$unit" 2>&1) || fail "$unit: systemd-analyze verify failed: $out"
    [ -z "$out" ] || fail "$unit: systemd-analyze verify complains: $out"
    out=$(systemd-analyze --user security --offline=yes --threshold=70 "./$unit" 2>&1) ||
        fail "$unit: too exposed: $(tail -1 <<<"$out")"
    echo "$unit: $(tail -1 <<<"$out")"
done

# What the units run, as the reference's do: interimap --watch for the
# default configuration, --config=NAME for an instance, pullimap --idle SECTION.
grep -qx "ExecStart=.*/interimap --watch=60" interimap.service || fail "interimap.service: $(grep ExecStart interimap.service)"
grep -qx "ExecStart=.*/interimap --config=%i --watch=60" interimap@.service || fail "interimap@.service: $(grep ExecStart interimap@.service)"
if [ -f pullimap@.service ]; then
    grep -qx "ExecStart=.*/pullimap --idle %i" pullimap@.service || fail "pullimap@.service: $(grep ExecStart pullimap@.service)"
fi
echo "systemd units: ok"
