# fish completion for mr(1)

function __mr_no_action
    # True while no action has been typed yet (options come before the action).
    set -l words (commandline -opc)
    set -e words[1]
    set -l skip 0
    for w in $words
        if test $skip -eq 1
            set skip 0
            continue
        end
        switch $w
            case -d --directory -c --config -g --tag --order --timeout --color
                set skip 1
            case '-*'
            case '*'
                return 1
        end
    end
    return 0
end

function __mr_registry_commands
    set -l reg $HOME/.mrconfig.toml
    set -q MR_CONFIG; and set reg $MR_CONFIG
    test -r $reg; or return
    sed -n '/^\[commands\]/,/^\[/{s/^\([A-Za-z0-9][A-Za-z0-9_.-]*\)[[:space:]]*=.*/\1/p}; /^\[alias\]/,/^\[/{s/^\([A-Za-z0-9][A-Za-z0-9_.-]*\)[[:space:]]*=.*/\1/p}' $reg 2>/dev/null | string match -v -r '^(pre|post)_'
end

function __mr_action_is
    set -l words (commandline -opc)
    contains -- $argv[1] $words
end

complete -c mr -f
complete -c mr -n __mr_no_action -s d -l directory -r -a '(__fish_complete_directories)' -d 'Act on the repos at or below DIR'
complete -c mr -n __mr_no_action -s c -l config -r -F -d 'Use FILE as the registry'
complete -c mr -n __mr_no_action -s j -l jobs -d 'Run N repos at once'
complete -c mr -n __mr_no_action -s q -l quiet -d 'Print only failing repos'
complete -c mr -n __mr_no_action -s m -l minimal -d 'Print only repos with output or failure'
complete -c mr -n __mr_no_action -s s -l stats -d 'List failed and skipped repos after the footer'
complete -c mr -n __mr_no_action -s n -l no-recurse -d 'Only repos at most N levels below DIR'
complete -c mr -n __mr_no_action -s f -l force -d 'Ignore skip'
complete -c mr -n __mr_no_action -s t -l trust-all -d 'Trust every registry file'
complete -c mr -n __mr_no_action -s g -l tag -x -d 'Only repos tagged TAG'
complete -c mr -n __mr_no_action -l order -x -a 'registry completion' -d 'Order of the blocks'
complete -c mr -n __mr_no_action -s v -l verbose -d 'Diagnostics on stderr'
complete -c mr -n __mr_no_action -l timeout -x -d 'Per-repo time limit'
complete -c mr -n __mr_no_action -l fail-fast -d 'The first failing repo cancels the rest'
complete -c mr -n __mr_no_action -l color -x -a 'auto always never' -d 'When to colour'
complete -c mr -n __mr_no_action -l json -d 'Machine-readable output'
complete -c mr -n __mr_no_action -s i -l interactive -d 'A shell in each failing repo (one at a time)'
complete -c mr -n __mr_no_action -l force-env -d 'Run although GIT_DIR or the like is set'
complete -c mr -n __mr_no_action -s p -l path -d 'Ignored, as myrepos'
complete -c mr -n __mr_no_action -s h -l help -d 'Print the usage'
complete -c mr -n __mr_no_action -l version -d 'Print the version'

complete -c mr -n __mr_no_action -a list -d 'Print the header line of each selected repository'
complete -c mr -n __mr_no_action -a ls -d 'Alias of list'
complete -c mr -n __mr_no_action -a register -d 'Add the repository at DIR to the registry'
complete -c mr -n __mr_no_action -a unregister -d 'Remove the repository at DIR from the registry'
complete -c mr -n __mr_no_action -a import -d 'Convert a myrepos registry to TOML'
complete -c mr -n __mr_no_action -a config -d 'Print or change registry values of REPO (or DEFAULT)'
complete -c mr -n __mr_no_action -a discover -d 'Register every git repository below DIR'
complete -c mr -n __mr_no_action -a status -d 'Changes, unpushed branches and stashes'
complete -c mr -n __mr_no_action -a summary -d 'One line per repository'
complete -c mr -n __mr_no_action -a ll -d 'Alias of summary'
complete -c mr -n __mr_no_action -a diff -d 'git diff in every repository'
complete -c mr -n __mr_no_action -a update -d 'Fetch, then fast-forward only'
complete -c mr -n __mr_no_action -a fetch -d 'Fetch every remote'
complete -c mr -n __mr_no_action -a checkout -d 'Clone the repositories that are missing'
complete -c mr -n __mr_no_action -a co -d 'Alias of checkout'
complete -c mr -n __mr_no_action -a run -d 'Run a command in every repository'
complete -c mr -n __mr_no_action -a commit -d 'git commit -a, then git push --all'
complete -c mr -n __mr_no_action -a ci -d 'Alias of commit'
complete -c mr -n __mr_no_action -a record -d 'git commit -a'
complete -c mr -n __mr_no_action -a push -d 'git push'
complete -c mr -n __mr_no_action -a log -d 'git log'
complete -c mr -n __mr_no_action -a grep -d 'git grep; never fails'
complete -c mr -n __mr_no_action -a clean -d 'git clean -dx (dry run; -f removes)'
complete -c mr -n __mr_no_action -a help -d 'Print the usage'
complete -c mr -n __mr_no_action -a '(__mr_registry_commands)' -d 'Defined in the registry'

complete -c mr -n '__mr_action_is register; or __mr_action_is unregister' -a '(__fish_complete_directories)'
complete -c mr -n '__mr_action_is config' -a '(__fish_complete_directories) DEFAULT url branch tags order skip deleted lib chain transport jobs timeout connections_per_host stall_timeout'
complete -c mr -n '__mr_action_is discover' -a '(__fish_complete_directories)'
complete -c mr -n '__mr_action_is discover' -l dry-run -d 'List, write nothing'
complete -c mr -n '__mr_action_is discover' -l nested -d 'Look inside repositories too'
complete -c mr -n '__mr_action_is discover' -l bare -d 'Bare repositories too'
complete -c mr -n '__mr_action_is run' -a '(__fish_complete_command)'
complete -c mr -n '__mr_action_is clean' -a '-f' -d 'Remove the files'
complete -c mr -n '__mr_action_is status' -a '-uno -unormal -uall' -d 'Untracked files'
complete -c mr -n '__mr_action_is summary; or __mr_action_is ll' -a '--dirty' -d 'Only repos that need attention'
complete -c mr -n '__mr_action_is diff' -l cached -d 'Staged changes'
complete -c mr -n '__mr_action_is diff' -l staged -d 'Staged changes'
complete -c mr -n '__mr_action_is diff' -l stat -d 'A diffstat'
