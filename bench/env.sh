# shellcheck shell=bash
# Sourced by mkworkspace.sh, peers.sh and common.sh with DIR set to a workspace (an
# absolute path). Every tool timed sees the same clean world: a home of its own inside
# the workspace (no user or system git config, no ~/.mrconfig), a fixed git identity,
# nothing that could prompt or page, the C locale, and a git that never looks above DIR.
export HOME="$DIR/home"
export XDG_CONFIG_HOME="$DIR/xdg" # gita's registry: $XDG_CONFIG_HOME/gita/repos.csv
export GIT_CONFIG_NOSYSTEM=1
export GIT_CONFIG_GLOBAL="$HOME/.gitconfig"
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.invalid
export GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.invalid
export GIT_TERMINAL_PROMPT=0 GIT_ASKPASS=/bin/false SSH_ASKPASS=/bin/false
export PAGER=cat GIT_PAGER=cat
export LC_ALL=C TZ=UTC
export GIT_CEILING_DIRECTORIES="$DIR"
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY MR_CONFIG
# The distribution's tools, not whatever a user's PATH puts first.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
