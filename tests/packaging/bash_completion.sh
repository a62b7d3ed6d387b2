#!/bin/bash
# The bash completions as installed: each is sourced into a bash of its own
# and its function called as bash would, on a command line cut at the cursor.
. "$(dirname "$0")/lib.sh"
install_programs
completions="$work/prefix/share/bash-completion/completions"
[ -f "$completions/interimap" ] || fail "no completion installed for interimap"

# candidates PROGRAM LINE [BREAKS]: the candidates, one a line, that PROGRAM's
# completion offers for LINE (the cursor at its end), with COMP_WORDBREAKS
# set to BREAKS (bash's default, which splits at "=", unless given).
candidates() {
    local program=$1 line=$2 breaks=${3:-$' \t\n"\'><=;|&(:'}
    (
        cd "$work"
        COMP_WORDBREAKS=$breaks
        # The script registers its function with `complete`: the real builtin.
        # shellcheck disable=SC1090
        . "$completions/$program"
        builtin complete -p "$program" >/dev/null
        # The words as bash splits them: at blanks, and at "=" when it breaks words.
        local split=$line
        [[ $breaks == *=* ]] && split=${split//=/ = }
        read -r -a COMP_WORDS <<<"$split"
        [[ $line == *' ' || ($breaks == *=* && $line == *=) ]] && COMP_WORDS+=("")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        COMP_LINE=$line
        COMP_POINT=${#line}
        # compopt works only while bash itself completes.
        compopt() { :; }
        "_$program"
        printf '%s\n' "${COMPREPLY[@]}" | sort
    )
}

# expect WHAT ACTUAL EXPECTED
expect() { [ "$2" = "$3" ] || fail "$1: expected [$3], got [$2]"; }

mkdir -p "$work/configs" && touch "$work/configs/work" "$work/configs/home"
expect "interimap --wa" "$(candidates interimap 'interimap --wa')" $'--watch\n--watch='
expect "interimap --" "$(candidates interimap 'interimap --' | wc -l)" 12
expect "--target=" "$(candidates interimap 'interimap --target=')" $'database\nlocal\nremote'
expect "--target=l" "$(candidates interimap 'interimap --target=l')" "local"
expect "--target=l without = breaks" "$(candidates interimap 'interimap --target=l' ' ')" "--target=local"
expect "--target WHERE" "$(candidates interimap 'interimap --target r')" "remote"
expect "--config=FILE" "$(candidates interimap 'interimap --config=configs/w')" "configs/work"
expect "--config FILE" "$(candidates interimap 'interimap --config configs/h')" "configs/home"
expect "mailboxes are not completed" "$(candidates interimap 'interimap INB')" ""

if [ -f "$completions/pullimap" ]; then
    expect "pullimap --i" "$(candidates pullimap 'pullimap --i')" $'--idle\n--idle='
    # Sections come from the configuration file: --config's, else the default one.
    export XDG_CONFIG_HOME="$work/xdg"
    mkdir -p "$XDG_CONFIG_HOME/pullimap"
    printf 'deliver-method = lmtp:[127.0.0.1]:24\n[work]\nhost = a\n[home]\n[personal]\n' \
        > "$XDG_CONFIG_HOME/pullimap/config"
    printf '[other]\n' > "$XDG_CONFIG_HOME/pullimap/alt"
    expect "pullimap SECTION" "$(candidates pullimap 'pullimap ')" $'home\npersonal\nwork'
    expect "pullimap p" "$(candidates pullimap 'pullimap p')" "personal"
    expect "pullimap --config=alt" "$(candidates pullimap 'pullimap --config=alt ')" "other"
    expect "pullimap --config=alt, no = breaks" "$(candidates pullimap 'pullimap --config=alt ' ' ')" "other"
fi
echo "bash completion: ok"
