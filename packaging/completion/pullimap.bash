# bash completion for pullimap(1): options, the files of --config and the
# SECTION argument, from the sections of the configuration file (the one of
# --config=FILE, else $XDG_CONFIG_HOME/pullimap/config). Self-contained (no
# bash-completion helper functions), loaded on demand by bash-completion from
# /usr/share/bash-completion/completions/pullimap.

# _pullimap_config: the configuration file the command line names; a relative
# name is looked for in $XDG_CONFIG_HOME/pullimap, as pullimap does.
_pullimap_config() {
    local word file=config
    for word in "${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
        case $word in --config=*) file=${word#--config=} ;; esac
    done
    # With "=" in COMP_WORDBREAKS, "--config=FILE" comes as three words.
    local i
    for ((i = 1; i + 2 < COMP_CWORD; i++)); do
        [[ ${COMP_WORDS[i]} == --config && ${COMP_WORDS[i + 1]} == = ]] && file=${COMP_WORDS[i + 2]}
    done
    file=${file/#\~/$HOME}
    [[ $file == /* ]] || file=${XDG_CONFIG_HOME:-$HOME/.config}/pullimap/$file
    printf '%s\n' "$file"
}

_pullimap() {
    local line=${COMP_LINE:0:COMP_POINT} cur prefix=
    cur=${line##*[[:space:]]}
    local IFS=$'\n'
    case $cur in
    --config=*)
        [[ $COMP_WORDBREAKS == *=* ]] || prefix=--config=
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -P "$prefix" -f -- "${cur#*=}"))
        ;;
    -*)
        IFS=$' \t\n'
        COMPREPLY=($(compgen -W "--config= --idle --idle= --no-delivery --quiet --debug --help --version" -- "$cur"))
        [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
        ;;
    *)
        local config sections
        config=$(_pullimap_config)
        [[ -r $config ]] || return 0
        # Section headers "[name]"; a value given after the name is not part of it.
        sections=$(sed -n 's/^[[:space:]]*\[\([^]]*\)\].*/\1/p' "$config")
        COMPREPLY=($(compgen -W "$sections" -- "$cur"))
        ;;
    esac
    return 0
}
complete -F _pullimap pullimap
