#!/usr/bin/env bash
# The benchmark workspace:
#   bench/mkworkspace.sh DIR N FILES [JOBS]
# N git repositories repo1..repoN of FILES tracked files each (FILES >= 3), three commits
# deep, each cloned from a bare remote of its own, in a fixed mix of states:
#   K mod 10 = 0 or 1   dirty: a tracked file below d00/ changed, untracked.txt added (20 %)
#   K mod 10 = 2        ahead: one local commit not pushed (10 %)
#   K mod 10 = 3        behind: the remote has one commit the clone has not fetched (10 %)
#   otherwise           clean
# README.md and Makefile are at the top of each repository, the other files in leaf
# directories dAA/sB: 4 of them up to 100 files, else one per 25 files. Contents and dates
# are fixed, so every run makes the same commits.
#
# Under DIR (what an earlier run left there is replaced):
#   remotes/repoK.git       the bare remotes
#   ws/repoK                the clones
#   ws/.mrconfig            myrepos' registry (checkout = git clone ...)
#   ws/.mrconfig.toml       mr's registry
#   vcs.repos               vcstool's import file
#   xdg/gita/repos.csv      gita's registry; xdg-upd/ the same for the copies in upd/ws
#   lists/repoK.z           `git ls-files -z` of each clone, read by bench/floor.c
#   home/                   the isolated $HOME of env.sh: .gitconfig, .mrtrust
#   WORKSPACE-INFO          N, FILES and how long the build took
# JOBS (default: the number of CPUs) repositories are built at once.
set -euo pipefail

usage() {
  echo "usage: $0 DIR N FILES [JOBS]" >&2
  exit 2
}
[ $# -ge 3 ] || usage
DIR=$(realpath -m -- "$1")
N=$2
FILES=$3
JOBS=${4:-$(nproc)}
[[ $N =~ ^[1-9][0-9]*$ ]] || usage
[[ $FILES =~ ^[0-9]+$ && $FILES -ge 3 ]] || { echo "$0: FILES must be at least 3" >&2; exit 2; }
export DIR FILES
# shellcheck source=env.sh
. "$(cd "$(dirname "$0")" && pwd)/env.sh"

started=$(date +%s.%N)
mkdir -p "$DIR"
for sub in remotes ws home xdg xdg-upd lists upd results vcs.repos WORKSPACE-INFO; do
  rm -rf "${DIR:?}/$sub"
done
mkdir -p "$DIR/remotes" "$DIR/ws" "$HOME" "$XDG_CONFIG_HOME" "$DIR/lists"
printf '[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n' >"$HOME/.gitconfig"

# A git fast-import stream for repository K: MODE "history" is its three commits, MODE
# "upstream" the one commit its remote gets ahead of the clone.
commits() { # K MODE
  awk -v k="$1" -v files="$FILES" -v mode="$2" '
    function path_of(i,   leaf) {
      if (i == 0) return "README.md"
      if (i == 1) return "Makefile"
      leaf = (i - 2) % leaves
      return sprintf("d%02d/s%d/f%05d.txt", int(leaf / 8), leaf % 8, i)
    }
    function commit(seconds, message) {
      printf "commit refs/heads/main\ncommitter Bench <bench@example.invalid> %d +0000\n", 1700000000 + seconds
      printf "data %d\n%s\n", length(message) + 1, message
    }
    function put(path, text) {
      printf "M 100644 inline %s\ndata %d\n%s\n", path, length(text), text
    }
    BEGIN {
      leaves = files <= 100 ? 4 : int(files / 25)
      if (mode == "upstream") {
        commit(300, "upstream change")
        print "from refs/heads/main^0"
        put("Makefile", sprintf("all:\n\t@echo repo%d, upstream\n", k))
        exit
      }
      commit(0, "first import")
      for (i = 0; i < files; i++)
        put(path_of(i), sprintf("repository %d, file %d\nthe quick brown fox %d\njumps over the lazy dog %d\n", k, i, i * 7, k * 13 + i))
      commit(100, "edit three files")
      for (i = 2; i < files && i < 5; i++)
        put(path_of(i), sprintf("repository %d, file %d\nedited by the second commit\n", k, i))
      commit(200, "describe the repository")
      put("README.md", sprintf("# repo%d\nbenchmark repository %d with %d files\n", k, k, files))
    }'
}

# Repository K: its bare remote, its clone, its state, its file list.
build_repo() { # K
  local k=$1
  local remote="$DIR/remotes/repo$k.git" clone="$DIR/ws/repo$k"
  git init -q --bare -b main "$remote"
  # unpackLimit=0: the objects land in a pack, as after a real clone or fetch.
  commits "$k" history | git -C "$remote" -c fastimport.unpackLimit=0 fast-import --quiet
  git clone -q --no-hardlinks "$remote" "$clone"
  case $((k % 10)) in
    0 | 1)
      local victim
      victim=$(git -C "$clone" ls-files -- d00 | head -n 1)
      echo 'changed, not committed' >>"$clone/$victim"
      echo 'not tracked' >"$clone/untracked.txt"
      ;;
    2)
      echo 'local: ; @true' >>"$clone/Makefile"
      GIT_AUTHOR_DATE='1700000400 +0000' GIT_COMMITTER_DATE='1700000400 +0000' \
        git -C "$clone" commit -q -a -m 'not pushed'
      ;;
    3)
      commits "$k" upstream | git -C "$remote" -c fastimport.unpackLimit=0 fast-import --quiet
      ;;
  esac
  git -C "$clone" ls-files -z >"$DIR/lists/repo$k.z"
}
export -f commits build_repo

seq 1 "$N" | xargs -P "$JOBS" -n 64 bash -c 'set -euo pipefail; for k; do build_repo "$k"; done' _
repos_built=$(date +%s.%N)

# The registries, one per tool, all listing the same repositories.
{
  echo "# bench/mkworkspace.sh: $N repositories"
  for k in $(seq 1 "$N"); do
    printf "[repo%d]\ncheckout = git clone '%s/remotes/repo%d.git' 'repo%d'\n\n" "$k" "$DIR" "$k" "$k"
  done
} >"$DIR/ws/.mrconfig"
{
  echo "# bench/mkworkspace.sh: $N repositories"
  for k in $(seq 1 "$N"); do
    printf '[repos."repo%d"]\nurl = "%s/remotes/repo%d.git"\n\n' "$k" "$DIR" "$k"
  done
} >"$DIR/ws/.mrconfig.toml"
# myrepos runs the commands of a registry other than ~/.mrconfig only if it is trusted.
printf '%s\n' "$DIR/ws/.mrconfig" "$DIR/upd/ws/.mrconfig" >"$HOME/.mrtrust"
{
  echo "repositories:"
  for k in $(seq 1 "$N"); do
    printf '  repo%d:\n    type: git\n    url: %s/remotes/repo%d.git\n    version: main\n' \
      "$k" "$DIR" "$k"
  done
} >"$DIR/vcs.repos"
if command -v gita >/dev/null; then
  # gita's registry is written by gita itself, 500 repositories per call.
  (cd "$DIR/ws" && printf '%s\0' "$DIR"/ws/repo* | xargs -0 -n 500 gita add >/dev/null)
  registered=$(wc -l <"$XDG_CONFIG_HOME/gita/repos.csv")
  [ "$registered" -eq "$N" ] || { echo "$0: gita registered $registered of $N" >&2; exit 1; }
  mkdir -p "$DIR/xdg-upd/gita"
  sed "s#^$DIR/ws/#$DIR/upd/ws/#" "$XDG_CONFIG_HOME/gita/repos.csv" >"$DIR/xdg-upd/gita/repos.csv"
else
  echo "$0: gita is not installed; no gita registry" >&2
fi

# Past git's racy-clean window, one `git status` per clone refreshes its index, so that
# no tool timed later pays for re-hashing files written in the same second as the index.
sleep 1
printf '%s\0' "$DIR"/ws/repo* | xargs -0 -P "$JOBS" -I{} git -C {} status --porcelain >/dev/null
finished=$(date +%s.%N)

cat >"$DIR/WORKSPACE-INFO" <<EOF
N=$N FILES=$FILES built_by=bench/mkworkspace.sh
repos_build_s=$(awk -v a="$started" -v b="$repos_built" 'BEGIN { printf "%.1f", b - a }')
total_build_s=$(awk -v a="$started" -v b="$finished" 'BEGIN { printf "%.1f", b - a }')
EOF
cat "$DIR/WORKSPACE-INFO"
