# bash completion for interimap(1): options, --target values and the files of
# --config. Mailbox names are not completed: they would need a connection.
# Self-contained (no bash-completion helper functions), loaded on demand by
# bash-completion from /usr/share/bash-completion/completions/interimap.

# _interimap_word: the word being completed, "--opt=value" kept whole
# whatever COMP_WORDBREAKS says; sets _interimap_cur.
_interimap_word() {
    local line=${COMP_LINE:0:COMP_POINT}
    _interimap_cur=${line##*[[:space:]]}
}

# _interimap_reply_value OPTION VALUES...: complete the value of --OPTION=,
# as bash will insert it (after the "=" when "=" breaks words).
_interimap_reply_value() {
    local option=$1 value=${_interimap_cur#*=} prefix=
    shift
    [[ $COMP_WORDBREAKS == *=* ]] || prefix="$option="
    local IFS=$'\n'
    COMPREPLY=($(compgen -P "$prefix" -W "$*" -- "$value"))
}

# _interimap_reply_file OPTION: file names for --OPTION=FILE.
_interimap_reply_file() {
    local option=$1 value=${_interimap_cur#*=} prefix=
    [[ $COMP_WORDBREAKS == *=* ]] || prefix="$option="
    local IFS=$'\n'
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -P "$prefix" -f -- "$value"))
}

_interimap() {
    local options="--config= --target= --watch --watch= --notify --repair --delete --rename
        --quiet -q --debug --help -h --version"
    _interimap_word
    case $_interimap_cur in
    --config=*) _interimap_reply_file --config ;;
    --target=*) _interimap_reply_value --target local remote database ;;
    -*)
        COMPREPLY=($(compgen -W "$options" -- "$_interimap_cur"))
        # An option ending in "=" waits for its value: no space after it.
        [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
        ;;
    *)
        # "--config FILE" and "--target WHERE" are accepted too.
        case ${COMP_WORDS[COMP_CWORD - 1]} in
        --config)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -f -- "$_interimap_cur"))
            ;;
        --target) COMPREPLY=($(compgen -W "local remote database" -- "$_interimap_cur")) ;;
        *) COMPREPLY=() ;;
        esac
        ;;
    esac
    return 0
}
complete -F _interimap interimap
