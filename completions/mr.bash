# bash completion for mr(1)                                      -*- shell-script -*-
# Options before the action, then the action, then the action's own arguments.

_mr() {
    local cur prev words cword
    _init_completion || return

    local actions="list ls status summary ll diff update fetch checkout co register unregister discover import config run commit ci record push log grep clean help"
    # Commands defined in the registry: [commands] keys and [alias] names.
    local reg="${MR_CONFIG:-$HOME/.mrconfig.toml}"
    if [[ -r "$reg" ]]; then
        actions+=" $(sed -n '/^\[commands\]/,/^\[/{s/^\([A-Za-z0-9][A-Za-z0-9_.-]*\)[[:space:]]*=.*/\1/p}; /^\[alias\]/,/^\[/{s/^\([A-Za-z0-9][A-Za-z0-9_.-]*\)[[:space:]]*=.*/\1/p}' "$reg" 2>/dev/null | grep -v '^\(pre\|post\)_' | tr '\n' ' ')"
    fi
    local opts="-d --directory -c --config -j --jobs -q --quiet -m --minimal -s --stats
        -n --no-recurse -f --force -t --trust-all -g --tag --order -v --verbose --timeout
        --fail-fast --color --json -i --interactive --force-env -p --path -h --help --version"

    # Find the action: the first word that is not an option or an option's value.
    local i action="" action_at=0
    for ((i = 1; i < cword; i++)); do
        case "${words[i]}" in
            -d|--directory|-c|--config|-g|--tag|--order|--timeout|--color) ((i++)) ;;
            -j|--jobs|-n|--no-recurse) [[ ${words[i+1]} =~ ^[0-9]+$ ]] && ((i++)) ;;
            -*) ;;
            *) action="${words[i]}"; action_at=$i; break ;;
        esac
    done

    if [[ -z "$action" ]]; then
        case "$prev" in
            -d|--directory) _filedir -d; return ;;
            -c|--config) _filedir toml; return ;;
            --order) COMPREPLY=($(compgen -W "registry completion" -- "$cur")); return ;;
            --color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
            --timeout|-g|--tag) return ;;
            -j|--jobs|-n|--no-recurse) [[ -z "$cur" || "$cur" =~ ^[0-9]+$ ]] && return ;;
        esac
        if [[ "$cur" == -* ]]; then
            COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$actions" -- "$cur"))
        fi
        return
    fi

    case "$action" in
        register|reg*|unregister|unr*) _filedir -d ;;
        import|imp*) _filedir ;;
        config|conf*)
            if [[ $cword -eq $((action_at + 1)) ]]; then
                _filedir -d
                COMPREPLY+=($(compgen -W "DEFAULT" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "url branch tags order skip deleted lib chain transport jobs timeout connections_per_host stall_timeout commands. alias." -- "$cur"))
            fi ;;
        discover|disc*) if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--dry-run --nested --bare" -- "$cur")); else _filedir -d; fi ;;
        run) if [[ $cword -eq $((action_at + 1)) ]]; then COMPREPLY=($(compgen -c -- "$cur")); else _filedir; fi ;;
        clean) COMPREPLY=($(compgen -W "-f" -- "$cur")) ;;
        status|stat*) COMPREPLY=($(compgen -W "-uno -unormal -uall --untracked-files=" -- "$cur")) ;;
        summary|su*|ll) COMPREPLY=($(compgen -W "--dirty" -- "$cur")) ;;
        diff|di*)
            if [[ "$cur" == -* ]]; then
                COMPREPLY=($(compgen -W "--cached --staged --stat --" -- "$cur"))
            else
                _filedir
            fi ;;
        *) _filedir ;;
    esac
} && complete -F _mr mr
