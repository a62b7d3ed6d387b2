#!/bin/bash
# The manual pages as a user gets them: installed by `cmake --install` with
# their components (interimap.1: interimap, pullimap.1: pullimap,
# interimap-plugins.7: dev), then
#  - ASCII, and rendered by man(1) from the installed tree with every groff
#    warning enabled, and by groff -ww directly: no warning at all;
#  - their NAME sections readable by lexgrog (what mandb/apropos index);
#  - their version (.TH) the project's;
#  - complete: every command-line option of interimap's option table
#    (core/src/cli/interimap_options.cpp) and every configuration key of its
#    option rules (core/src/config/option_rules.cpp, interimap_config.cpp) is
#    the tag of an entry of interimap(1); same for pullimap(1) with the
#    connection keys, its own keys and its options (see below);
#  - the example of interimap-plugins(7) is a plugin that compiles and that
#    `interimap --version` loads.
# Environment (set by CMakeLists.txt): SOURCE_DIR, BUILD_DIR, PROJECT_VERSION,
# INTERIMAP, CORE_LIBRARY, CXX.
set -euo pipefail

: "${SOURCE_DIR:?}" "${BUILD_DIR:?}" "${PROJECT_VERSION:?}" "${INTERIMAP:?}" "${CORE_LIBRARY:?}"
CXX=${CXX:-c++}

WORKDIR=$(mktemp -d /tmp/interimap-man.XXXXXX)
# man(1) may read pages as another user when run as root.
chmod 0755 "$WORKDIR"
cleanup() {
    local status=$?
    if [ $status -ne 0 ]; then echo "FAILED (work directory kept: $WORKDIR)" >&2; else rm -rf "$WORKDIR"; fi
}
trap cleanup EXIT

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

for tool in man groff lexgrog; do
    command -v "$tool" >/dev/null || { echo "FAIL: $tool is not installed (packages man-db, groff-base)" >&2; exit 1; }
done

# --- Install -----------------------------------------------------------------
prefix="$WORKDIR/usr"
for component in interimap pullimap dev; do
    "${CMAKE:-cmake}" --install "$BUILD_DIR" --prefix "$prefix" --component "$component" >"$WORKDIR/install-$component.log" ||
        { cat "$WORKDIR/install-$component.log" >&2; echo "FAIL: cmake --install --component $component" >&2; exit 1; }
done
chmod -R a+rX "$WORKDIR"
mandir="$prefix/share/man"

# A clean man(1): no user settings, no pager, no sandbox (containers).
unset MANOPT MANSECT MANPAGER PAGER MANROFFOPT MANROFFSEQ MANWIDTH MAN_KEEP_FORMATTING
export MAN_DISABLE_SECCOMP=1 LC_ALL=C.UTF-8

# render SECTION NAME: the page as man shows it, one paragraph per line (so
# that no word is hyphenated or split), formatting removed.
render() {
    MANPATH="$mandir" MANWIDTH=1000 man --warnings=w -P cat "$1" "$2" 2>"$WORKDIR/$2.man-stderr" |
        sed 's/.\x08//g'
}

pages=("1 interimap interimap" "1 pullimap pullimap" "7 interimap-plugins dev")
for entry in "${pages[@]}"; do
    read -r section name component <<<"$entry"
    file="$mandir/man$section/$name.$section"
    if [ ! -f "$file" ]; then
        fail "$name($section) not installed by component $component (no $file)"
        continue
    fi
    # ASCII only (special characters as roff escapes): man(1) takes pages
    # outside a locale directory for ISO-8859-1.
    if LC_ALL=C grep -nP '[^\x00-\x7F]' "$file" >"$WORKDIR/$name.non-ascii"; then
        fail "$name($section) has non-ASCII characters: $(head -3 "$WORKDIR/$name.non-ascii")"
    fi
    out=$(groff -man -Tutf8 -ww -z "$file" 2>&1) || fail "groff failed on $name($section)"
    [ -z "$out" ] || fail "groff warnings for $name($section): $out"

    render "$section" "$name" >"$WORKDIR/$name.txt" || fail "man $section $name failed"
    if [ -s "$WORKDIR/$name.man-stderr" ]; then
        fail "man $section $name: $(cat "$WORKDIR/$name.man-stderr")"
    fi
    grep -q "^NAME" "$WORKDIR/$name.txt" || fail "man $section $name shows no NAME section"
    grep -qE "^ +$name - " "$WORKDIR/$name.txt" || fail "man $section $name: NAME is not \"$name - ...\""

    whatis=$(lexgrog "$file" 2>&1) || fail "lexgrog cannot parse $name($section): $whatis"
    [[ "$whatis" == *"\"$name - "* ]] || fail "lexgrog: unexpected NAME line for $name($section): $whatis"

    th=$(grep -m1 '^\.TH ' "$file")
    [[ "$th" == *"\"interimap $PROJECT_VERSION\""* ]] ||
        fail "$name($section): .TH does not give version $PROJECT_VERSION: $th"
done

# --- Completeness ------------------------------------------------------------
# tags PAGE: the terms the entries (.TP) of the rendered PAGE are about, one
# a line: a tag is a line indented by 7 columns whose text is indented by 14
# on the next line, or that holds its text after two blanks when it is
# short ("type   How to reach..."); "-q, --quiet" gives -q and --quiet.
tags() {
    awk '{ line[NR] = $0 }
        END {
            for (i = 1; i <= NR; i++) {
                if (line[i] !~ /^       [^ ]/) continue
                tag = ""
                if (line[i + 1] ~ /^              [^ ]/) tag = substr(line[i], 8)
                else if (line[i] ~ /^       [^ ]+   *[^ ]/) { tag = substr(line[i], 8); sub(/  .*/, "", tag) }
                if (tag == "") continue
                n = split(tag, terms, ", ")
                for (j = 1; j <= n; j++) print terms[j]
            }
        }' "$WORKDIR/$1.txt"
}

# documented PAGE ITEM: ITEM is a term of an entry of PAGE, followed by
# nothing, a blank, "=" or "[" ("--config=FILE", "--watch[=SECONDS]").
documented() {
    [ -f "$WORKDIR/$1.tags" ] || tags "$1" >"$WORKDIR/$1.tags"
    grep -qE -- "^${2}([ =[]|\$)" "$WORKDIR/$1.tags"
}

# Option names of a boost::program_options table: "config", "quiet,q", "q".
options_of_table() {
    sed -n '/options_description option_table()/,/return d;/p' "$1" |
        grep -oE '\("[a-z][a-z-]*(,[a-z])?"' | tr -d '("'
}
# Keys of OptionRule tables: {"key", scope, ...}.
keys_of_rules() {
    grep -hoE '^\s*\{"[A-Za-z_-]+", *(any|global|OptionScope::[a-z_]+),' "$@" |
        sed -E 's/^\s*\{"([^"]+)".*/\1/'
}

# check_options PAGE FILE: every option of FILE's option table, --long and -s.
check_options() {
    local page=$1 file=$2 opt positional count=0
    positional=$(grep -oE 'positional\.add\("[a-z-]+"' "$file" | sed -E 's/.*"([^"]+)"/\1/' || true)
    for opt in $(options_of_table "$file"); do
        count=$((count + 1))
        local long=${opt%%,*}
        if [ "$long" = "$positional" ]; then continue; fi
        if [ ${#long} -eq 1 ]; then
            documented "$page" "-$long" || fail "$page: option -$long is not documented"
        else
            documented "$page" "--$long" || fail "$page: option --$long is not documented"
        fi
        if [[ "$opt" == *,* ]]; then
            documented "$page" "-${opt#*,}" || fail "$page: option -${opt#*,} is not documented"
        fi
    done
    [ "$count" -ge 5 ] || fail "found only $count options in $file: has its option table changed shape?"
}

# check_keys PAGE KEYS...
check_keys() {
    local page=$1 key
    shift
    for key in "$@"; do
        documented "$page" "$key" || fail "$page: configuration key $key is not documented"
    done
}

connection_keys=$(keys_of_rules "$SOURCE_DIR/core/src/config/option_rules.cpp")
interimap_keys=$(keys_of_rules "$SOURCE_DIR/core/src/config/interimap_config.cpp")
[ "$(wc -w <<<"$connection_keys")" -ge 15 ] || fail "found only $(wc -w <<<"$connection_keys") connection keys in option_rules.cpp"
[ "$(wc -w <<<"$interimap_keys")" -ge 5 ] || fail "found only $(wc -w <<<"$interimap_keys") keys in interimap_config.cpp"

[ -f "$WORKDIR/interimap.txt" ] || fail "interimap(1) was not rendered"
check_options interimap "$SOURCE_DIR/core/src/cli/interimap_options.cpp"
# shellcheck disable=SC2086
check_keys interimap $connection_keys $interimap_keys

[ -f "$WORKDIR/pullimap.txt" ] || fail "pullimap(1) was not rendered"
# pullimap's keys from its rule table, its options from its parser
# (`name == "..."`, one letter for the short ones).
pullimap_keys=$(keys_of_rules "$SOURCE_DIR/core/src/config/pullimap_config.cpp")
[ "$(wc -w <<<"$pullimap_keys")" -ge 6 ] || fail "found only $(wc -w <<<"$pullimap_keys") keys in pullimap_config.cpp"
# shellcheck disable=SC2086
check_keys pullimap $connection_keys $pullimap_keys
pullimap_options=$(grep -oE 'name == "[a-z-]+"' "$SOURCE_DIR/core/src/cli/pullimap_options.cpp" |
    sed -E 's/.*"([^"]+)"/\1/' | sort -u)
[ "$(wc -w <<<"$pullimap_options")" -ge 7 ] || fail "found only $(wc -w <<<"$pullimap_options") options in pullimap_options.cpp"
for opt in $pullimap_options; do
    if [ ${#opt} -eq 1 ]; then opt="-$opt"; else opt="--$opt"; fi
    documented pullimap "$opt" || fail "pullimap: option $opt is not documented"
done

# --- The plugin example ------------------------------------------------------
plugins_page="$mandir/man7/interimap-plugins.7"
[ -f "$plugins_page" ] || fail "interimap-plugins(7) was not installed"
if true; then
    example="$WORKDIR/example"
    mkdir -p "$example"
    # The lines between ".EX" after the "example-begin" comment and ".EE",
    # with the roff escapes the example uses turned back into C++.
    sed -n '/^\.\\" example-begin/,/^\.EE/p' "$plugins_page" | sed '1,2d;$d' |
        sed -e 's/\\&//g' -e 's/\\-/-/g' -e "s/\\\\(aq/'/g" -e 's/\\(dq/"/g' -e 's/\\e/\\/g' \
            >"$example/xoauth2.cpp"
    if ! grep -q 'INTERIMAP_PLUGIN(descriptor)' "$example/xoauth2.cpp"; then
        fail "interimap-plugins(7): no example found after the example-begin comment"
    elif ! "$CXX" -std=c++20 -fPIC -shared -fvisibility=hidden -Wall -Wextra -Werror \
        -I"$SOURCE_DIR/core/include" -o "$example/interimap-xoauth2.so" "$example/xoauth2.cpp" \
        "$CORE_LIBRARY" 2>"$example/compile.log"; then
        fail "interimap-plugins(7): the example does not compile: $(cat "$example/compile.log")"
    else
        version=$(INTERIMAP_PLUGIN_PATH="$example" "$INTERIMAP" --version 2>&1) ||
            fail "interimap --version failed: $version"
        grep -q "XOAUTH2 (authenticator): .*\[$example/interimap-xoauth2.so\]" <<<"$version" ||
            fail "interimap --version does not load the example plugin: $version"
    fi
fi

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed" >&2
    exit 1
fi
echo "man pages: installed, rendered without warnings, complete; plugin example loads"
