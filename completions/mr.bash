# bash completion for mr(1)                                      -*- shell-script -*-
# Global options before the action, then the action, then the action's own arguments.
# Nothing here reads the registry: every list that depends on it (actions, what a typed
# action resolves to, repository paths, tags, command names) comes from mr's hidden query
# `mr [-c FILE] [-d DIR] [-t] --complete WHAT [WORD]`, run in the current directory with
# the registry options of the line being completed, so includes, the nearest
# .mrconfig.toml, -c and $MR_CONFIG count exactly as when the line runs.
# Registry text is never handed to compgen -W (which expands $(...) in its word list): it
# is compared with plain string tests and quoted with printf %q before it is offered.

# The word as the shell will pass it to mr: quotes and backslashes removed; nothing is
# evaluated. Sets the variable named $2.
_mr_unquote() {
    local word=$1 out="" c quote="" i
    for ((i = 0; i < ${#word}; i++)); do
        c=${word:i:1}
        if [[ $quote == "'" ]]; then
            if [[ $c == "'" ]]; then quote=""; else out+=$c; fi
        elif [[ $quote == '"' ]]; then
            if [[ $c == '"' ]]; then
                quote=""
            elif [[ $c == \\ && ${word:i+1:1} == [\"\\\$\`] ]]; then
                out+=${word:i+1:1}
                ((i++))
            else
                out+=$c
            fi
        elif [[ $c == "'" || $c == '"' ]]; then
            quote=$c
        elif [[ $c == \\ ]]; then
            out+=${word:i+1:1}
            ((i++))
        else
            out+=$c
        fi
    done
    printf -v "$2" %s "$out"
}

# The same for a path given to -c or -d, with a leading ~/ expanded as the shell will.
_mr_unquote_path() {
    _mr_unquote "$1" "$2"
    [[ $1 == \~/* ]] && printf -v "$2" %s "$HOME/${!2#\~/}"
    return 0
}

# Runs the query with the line's registry options; its lines go to _mr_lines.
_mr_query() {
    _mr_lines=()
    mapfile -t _mr_lines < <(command mr "${_mr_registry[@]}" --complete "$@" 2>/dev/null </dev/null)
}

# Offers each argument that starts with the word being completed, quoted for the line (a
# leading ~/ stays unquoted so that the shell still expands it).
_mr_offer() {
    local word quoted
    for word; do
        [[ $word == "$_mr_cur"* ]] || continue
        if [[ $word == \~/* ]]; then
            printf -v quoted %q "${word#\~/}"
            [[ $word == \~/ ]] && quoted=""
            # shellcheck disable=SC2088 # the tilde is meant for the shell, later
            COMPREPLY+=('~/'"$quoted")
        else
            printf -v quoted %q "$word"
            COMPREPLY+=("$quoted")
        fi
    done
}

# Offers the first field (before a tab) of each line of a query.
_mr_offer_query() {
    _mr_query "$@"
    _mr_offer "${_mr_lines[@]%%$'\t'*}"
}

# Registered repository paths, unquoted: readline quotes them (-o filenames), as it
# quotes the directories offered beside them.
_mr_repos_as_filenames() {
    _mr_query repos "$_mr_cur"
    local path
    for path in "${_mr_lines[@]}"; do
        COMPREPLY+=("$path")
    done
    ((${#_mr_lines[@]} == 0)) || compopt -o filenames
}

# The executables on PATH that start with the word being completed: mr runs the word
# without a shell, so no function, alias or builtin (which compgen -c would offer). The
# word is quoted in the pattern, so it matches only as itself.
_mr_executables() {
    local -a dirs names=()
    local -A seen=()
    local dir file globs
    globs=$(shopt -p nullglob failglob nocaseglob dotglob)
    shopt -s nullglob
    shopt -u failglob nocaseglob dotglob
    IFS=: read -r -a dirs <<<"$PATH"
    for dir in "${dirs[@]}"; do
        [[ -n $dir ]] || continue
        for file in "$dir/$_mr_cur"*; do
            [[ -f $file && -x $file && -z ${seen[${file##*/}]-} ]] || continue
            seen[${file##*/}]=1
            names+=("${file##*/}")
        done
    done
    eval "$globs"
    _mr_offer "${names[@]}"
}

# The value of global option $1 (the word being completed).
_mr_global_value() {
    case $1 in
        -d | --directory)
            _filedir -d
            _mr_repos_as_filenames
            ;;
        -c | --config)
            # *.toml and directories first; any file when there is none.
            _filedir toml
            ((${#COMPREPLY[@]})) || _filedir
            ;;
        -g | --tag) _mr_offer_query tags ;;
        --order) _mr_offer completion registry ;;
        --color) _mr_offer always auto never ;;
    esac
}

# The arguments of built-in action $1, whose first argument is word $2.
_mr_action_args() {
    local name=$1 first=$2
    case $name in
        status)
            if [[ $prev == --untracked-files && $split == true ]]; then
                _mr_offer all no normal
            elif [[ $cur == -* ]]; then
                _mr_offer -u -uall -uno -unormal --untracked-files= -s --short
            else
                _filedir
            fi
            ;;
        summary) _mr_offer --dirty ;;
        clean) _mr_offer -f ;;
        diff)
            local k
            for ((k = first; k < cword; k++)); do
                [[ ${words[k]} == -- ]] && {
                    _filedir
                    return
                }
            done
            if [[ $cur == -* ]]; then
                _mr_offer --cached --staged --stat --
            else
                _filedir
            fi
            ;;
        import)
            if [[ $prev == -o || $prev == --output ]]; then
                _filedir
            elif [[ $cur == -* ]]; then
                _mr_offer -o --output --force --dry-run --run-includes
            else
                _filedir
            fi
            ;;
        discover)
            if [[ $prev == -g || $prev == --tag ]]; then
                _mr_offer_query tags
            elif [[ $cur == -* ]]; then
                _mr_offer --dry-run --nested --bare -g --tag
            else
                _filedir -d
            fi
            ;;
        register) _filedir -d ;;
        unregister)
            _filedir -d
            _mr_repos_as_filenames
            ;;
        config)
            if ((cword == first)); then
                _mr_query repos "$_mr_cur"
                _mr_offer DEFAULT "${_mr_lines[@]}"
            elif [[ $_mr_cur == commands.* ]]; then
                _mr_query commands
                _mr_offer "${_mr_lines[@]/#/commands.}"
            elif [[ $_mr_cur == *=* ]]; then
                : # a value
            elif _mr_unquote "${words[first]}" value && [[ $value == DEFAULT ]]; then
                # The keys of the file-wide tables (mr(1)), not a repository's.
                _mr_offer jobs timeout transport connections_per_host stall_timeout lib \
                    commands. alias.
            else
                _mr_offer url branch tags order skip deleted lib chain transport commands.
            fi
            # commands. and alias. go on without a space.
            [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *[.=] ]] && compopt -o nospace
            ;;
        run)
            if ((cword == first)); then
                _mr_executables
            else
                _filedir
            fi
            ;;
        help) ((cword == first)) && _mr_offer_query actions ;;
        list | checkout) ;;
        *) _filedir ;;
    esac
    [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace
    return 0
}

_mr() {
    local cur prev words cword split
    _init_completion -s -n : || return

    local _mr_cur _mr_lines=() _mr_registry=()
    _mr_unquote "$cur" _mr_cur

    # The global options up to the action; -c, -d and -t choose the registry the queries
    # read. -j and -n take the next word only when it is a number, as mr does.
    local i=1 w k c value="" value_of="" action="" action_at=0 after_dashes=false
    while ((i < cword)); do
        w=${words[i]}
        value_of=""
        case $w in
            --)
                after_dashes=true
                ((i + 1 < cword)) && action=${words[i + 1]} action_at=$((i + 1))
                break
                ;;
            --directory=* | --config=*)
                _mr_unquote_path "${w#*=}" value
                _mr_registry+=("${w%%=*}" "$value")
                ;;
            --directory | --config | --tag | --order | --timeout | --color) value_of=$w ;;
            --jobs | --no-recurse) [[ ${words[i + 1]} =~ ^[0-9]+$ ]] && ((i + 1 < cword)) && ((i++)) ;;
            --trust-all) _mr_registry+=(-t) ;;
            --*) ;;
            -?*)
                for ((k = 1; k < ${#w}; k++)); do
                    c=${w:k:1}
                    case $c in
                        d | c | g)
                            if ((k + 1 == ${#w})); then
                                value_of=-$c
                            elif [[ $c != g ]]; then
                                _mr_unquote_path "${w:k+1}" value
                                _mr_registry+=("-$c" "$value")
                            fi
                            break
                            ;;
                        j | n)
                            ((k + 1 == ${#w})) && [[ ${words[i + 1]} =~ ^[0-9]+$ ]] &&
                                ((i + 1 < cword)) && ((i++))
                            break
                            ;;
                        t) _mr_registry+=(-t) ;;
                    esac
                done
                ;;
            *)
                action=$w action_at=$i
                break
                ;;
        esac
        if [[ -n $value_of ]]; then
            ((i + 1 == cword)) && break # the word being completed is its value
            if [[ $value_of == -d || $value_of == --directory || $value_of == -c ||
                $value_of == --config ]]; then
                _mr_unquote_path "${words[i + 1]}" value
                _mr_registry+=("$value_of" "$value")
            fi
            value_of=""
            ((i++))
        fi
        ((i++))
    done

    if [[ -n $action ]]; then
        _mr_unquote "$action" value
        # `help` is answered before any action (exactly that word); mr resolves the rest.
        [[ $value == help ]] && _mr_lines=(help$'\t'builtin) || _mr_query action "$value"
        local resolved=${_mr_lines[0]-}
        if [[ ${resolved#*$'\t'} == builtin ]]; then
            _mr_action_args "${resolved%%$'\t'*}" $((action_at + 1))
        else
            _filedir # a command of the registry, or an action mr does not know
        fi
    elif [[ -n $value_of ]]; then
        _mr_global_value "$value_of"
    elif [[ $split == true ]]; then
        _mr_global_value "$prev"
    elif [[ $cur == -* && $after_dashes == false ]]; then
        _mr_offer -d --directory -c --config -j --jobs -q --quiet -m --minimal -s --stats \
            -n --no-recurse -f --force -t --trust-all -g --tag --order -v --verbose \
            --timeout --fail-fast --color --json -i --interactive --force-env -p --path \
            -h --help --version
    elif [[ ($prev == -j || $prev == --jobs || $prev == -n || $prev == --no-recurse) &&
        $cur =~ ^[0-9]+$ ]]; then
        return 0 # a number
    else
        _mr_offer_query actions
    fi
    __ltrim_colon_completions "$cur"
    return 0
} && complete -F _mr mr
