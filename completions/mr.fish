# fish completion for mr(1)
# Global options before the action, then the action, then the action's own arguments.
# Nothing here reads the registry: every list that depends on it (actions, what a typed
# action resolves to, repository paths, tags, command names) comes from mr's hidden query
# `mr [-c FILE] [-d DIR] [-t] --complete WHAT [WORD]`, run in the current directory with
# the registry options of the line being completed, so includes, the nearest
# .mrconfig.toml, -c and $MR_CONFIG count exactly as when the line runs. Its answers are
# printed as candidates (which fish escapes when it inserts one), never evaluated.

# A path given to -c or -d as mr will see it: a leading ~/ expanded (the tokens of the
# line are unescaped, not expanded).
function __mr_path
    string replace -r -- '^~/' "$HOME/" $argv[1]
end

# mr's query with the line's registry options (__mr_registry, set by __mr_complete).
function __mr_query
    command mr $__mr_registry --complete $argv 2>/dev/null </dev/null
end

# Files (as fish completes them) that start with the token being completed.
function __mr_files
    complete -C "__fish_command_without_completions "(commandline -ct)
end

# Registered repository paths starting with the token being completed.
function __mr_repos
    set -l word (string unescape -- (commandline -ct))
    __mr_query repos "$word" | string replace -r '$' '\tregistered repository'
end

function __mr_describe
    printf '%s\n' $argv
end

function __mr_global_options
    __mr_describe -d\t'Act on the repos at or below DIR' --directory\t'Act on the repos at or below DIR' \
        -c\t'Use FILE as the registry' --config\t'Use FILE as the registry' \
        -j\t'Run N repos at once' --jobs\t'Run N repos at once' \
        -q\t'Print only failing repos' --quiet\t'Print only failing repos' \
        -m\t'Print only repos with output or failure' --minimal\t'Print only repos with output or failure' \
        -s\t'List failed and skipped repos after the footer' --stats\t'List failed and skipped repos after the footer' \
        -n\t'Only repos at most N levels below DIR' --no-recurse\t'Only repos at most N levels below DIR' \
        -f\t'Ignore skip' --force\t'Ignore skip' \
        -t\t'Trust every registry file' --trust-all\t'Trust every registry file' \
        -g\t'Only repos tagged TAG' --tag\t'Only repos tagged TAG' \
        --order\t'Order of the blocks (registry, completion)' \
        -v\t'Diagnostics on stderr' --verbose\t'Diagnostics on stderr' \
        --timeout\t'Per-repo time limit' \
        --fail-fast\t'The first failing repo cancels the rest' \
        --color\t'When to colour (auto, always, never)' \
        --json\t'Machine-readable output' \
        -i\t'A shell in each failing repo' --interactive\t'A shell in each failing repo' \
        --force-env\t'Run although GIT_DIR or the like is set' \
        -p\t'Ignored, as myrepos' --path\t'Ignored, as myrepos' \
        -h\t'Print the usage' --help\t'Print the usage' \
        --version\t'Print the version'
end

# The value of global option $argv[1] (the token being completed); $argv[2] is what the
# candidates start with (--color= when the token is --color=...).
function __mr_global_value
    switch $argv[1]
        case -d --directory
            __fish_complete_directories (commandline -ct)
            __mr_repos
        case -c --config
            # *.toml and directories first; any file when there is none.
            set -l files (__mr_files)
            set -l preferred (string match -r -- '^[^\t]*(?:\.toml|/)(?:\t.*)?$' $files)
            if set -q preferred[1]
                printf '%s\n' $preferred
            else
                printf '%s\n' $files
            end
        case -g --tag
            # -- before the text: "--tag=" is no option of string's.
            __mr_query tags | string replace -r -- '^' "$argv[2]"
        case --order
            printf '%s\n' $argv[2]completion $argv[2]registry
        case --color
            printf '%s\n' $argv[2]always $argv[2]auto $argv[2]never
    end
end

# The arguments of built-in action $argv[1]; $argv[2] is 1 when the token being completed
# is its first argument; $argv[3..] are its arguments before the cursor.
function __mr_action_args
    set -l name $argv[1]
    set -l is_first $argv[2]
    set -l args $argv[3..-1]
    set -l prev $args[-1]
    set -l cur (commandline -ct)
    switch $name
        case status
            if string match -q -- '--untracked-files=*' $cur
                printf '--untracked-files=%s\n' all no normal # (fish's printf takes no --)
            else if string match -q -- '-*' $cur
                __mr_describe -u\t'Every untracked file' -uno\t'No untracked files' \
                    -unormal\t'Untracked directories' -uall\t'Every untracked file' \
                    --untracked-files=\t'Untracked files: no, normal or all' \
                    -s\t'The short format' --short\t'The short format'
            else
                __mr_files
            end
        case summary
            __mr_describe --dirty\t'Only repos that need attention'
        case clean
            __mr_describe -f\t'Remove what would go'
        case diff
            if contains -- -- $args
                __mr_files
            else if string match -q -- '-*' $cur
                __mr_describe --cached\t'The staged changes' --staged\t'The staged changes' \
                    --stat\t'A diffstat' --\t'Only the paths that follow'
            else
                __mr_files
            end
        case import
            if contains -- "$prev" -o --output
                __mr_files
            else if string match -q -- '-*' $cur
                __mr_describe -o\t'The TOML registry to write' --output\t'The TOML registry to write' \
                    --force\t'Replace files that exist' --dry-run\t'Print what would be written' \
                    --run-includes\t'Run includes that need a shell'
            else
                __mr_files
            end
        case discover
            if contains -- "$prev" -g --tag
                __mr_query tags
            else if string match -q -- '-*' $cur
                __mr_describe --dry-run\t'List what would be added, write nothing' \
                    --nested\t'Look inside repositories too' --bare\t'Bare repositories too' \
                    -g\t'Tag each one added' --tag\t'Tag each one added'
            else
                __fish_complete_directories $cur
            end
        case register
            __fish_complete_directories $cur
        case unregister
            __fish_complete_directories $cur
            __mr_repos
        case config
            if test $is_first = 1
                __mr_describe DEFAULT\t'The file-wide tables'
                __mr_repos
            else if string match -q -- 'commands.*' $cur
                __mr_query commands | string replace -r -- '^' commands.
            else if string match -q -- '*=*' $cur
                # a value
            else if test "$args[1]" = DEFAULT
                # The keys of the file-wide tables (mr(1)), not a repository's.
                printf '%s\n' jobs timeout transport connections_per_host stall_timeout lib \
                    commands. alias.
            else
                printf '%s\n' url branch tags order skip deleted lib chain transport commands.
            end
        case run
            if test $is_first = 1
                # mr runs the word without a shell: only executables on $PATH can run, and
                # the token is never handed to `complete -C` (which would evaluate a
                # command substitution in it). fish keeps those that match the token.
                set -l candidates (string match -v -- '' $PATH)/*
                path filter -fx -- $candidates | path basename # (fish drops repeats)
            else
                __mr_files
            end
        case help
            test $is_first = 1; and __mr_query actions
        case list checkout
        case '*'
            __mr_files
    end
end

# Everything: the line before the cursor tells which list applies.
function __mr_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -g __mr_registry
    set -l n (count $tokens)
    set -l i 2
    set -l action
    set -l first 0
    set -l value_of
    set -l after_dashes 0
    # The global options up to the action; -c, -d and -t choose the registry the queries
    # read. -j and -n take the next token only when it is a number, as mr does.
    while test $i -le $n
        set -l w $tokens[$i]
        set value_of
        switch $w
            case --
                set after_dashes 1
                if test $i -lt $n
                    set action $tokens[(math $i + 1)]
                    set first (math $i + 2)
                end
                break
            case '--directory=*' '--config=*'
                set -l parts (string split -m 1 = -- $w)
                set -a __mr_registry $parts[1] (__mr_path $parts[2])
            case --directory --config --tag --order --timeout --color
                set value_of $w
            case --jobs --no-recurse
                if test $i -lt $n; and string match -qr '^[0-9]+$' -- $tokens[(math $i + 1)]
                    set i (math $i + 1)
                end
            case --trust-all
                set -a __mr_registry -t
            case '--*'
            case '-?*'
                set -l len (string length -- $w)
                for k in (seq 2 $len)
                    set -l c (string sub -s $k -l 1 -- $w)
                    switch $c
                        case d c g
                            if test $k -eq $len
                                set value_of -$c
                            else if test $c != g
                                set -a __mr_registry -$c (__mr_path (string sub -s (math $k + 1) -- $w))
                            end
                            break
                        case j n
                            if test $k -eq $len; and test $i -lt $n
                                and string match -qr '^[0-9]+$' -- $tokens[(math $i + 1)]
                                set i (math $i + 1)
                            end
                            break
                        case t
                            set -a __mr_registry -t
                    end
                end
            case '*'
                set action $w
                set first (math $i + 1)
                break
        end
        if test -n "$value_of"
            test $i -eq $n; and break # the token being completed is its value
            if contains -- $value_of -d --directory -c --config
                set -a __mr_registry $value_of (__mr_path $tokens[(math $i + 1)])
            end
            set value_of
            set i (math $i + 1)
        end
        set i (math $i + 1)
    end

    if test -n "$action"
        # `help` is answered before any action (exactly that word); mr resolves the rest.
        set -l resolved help builtin
        test "$action" = help; or set resolved (__mr_query action $action | string split \t)
        set -l args
        test $first -le $n; and set args $tokens[$first..$n]
        if test "$resolved[2]" = builtin
            __mr_action_args $resolved[1] (test $first -eq (math $n + 1); and echo 1; or echo 0) $args
        else
            __mr_files # a command of the registry, or an action mr does not know
        end
    else if test -n "$value_of"
        __mr_global_value $value_of ''
    else if test $after_dashes = 0; and string match -qr -- '^--[^=]+=' $cur
        set -l option (string split -m 1 = -- $cur)[1]
        __mr_global_value $option $option=
    else if test $after_dashes = 0; and string match -q -- '-*' $cur
        __mr_global_options
    else if contains -- "$tokens[-1]" -j --jobs -n --no-recurse; and string match -qr '^[0-9]+$' -- $cur
        # a number
    else
        __mr_query actions
    end
end

complete -c mr -f -k -a '(__mr_complete)'
