# bash completion for mr(1)                                      -*- shell-script -*-
# Options before the action, then the action, then the action's own arguments.

_mr() {
    local cur prev words cword
    _init_completion || return

    local actions="list ls register unregister help"
    local opts="-d --directory -c --config -j --jobs -q --quiet -m --minimal -s --stats
        -n --no-recurse -f --force -t --trust-all -g --tag --order -v --verbose --timeout
        --fail-fast --color --json -h --help --version"

    # Find the action: the first word that is not an option or an option's value.
    local i action="" action_at=0
    for ((i = 1; i < cword; i++)); do
        case "${words[i]}" in
            -d|--directory|-c|--config|-g|--tag|--order|--timeout|--color) ((i++)) ;;
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
            --timeout|-g|--tag|-j|--jobs|-n|--no-recurse) return ;;
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
    esac
} && complete -F _mr mr
