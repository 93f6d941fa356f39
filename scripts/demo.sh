#!/bin/sh
# Quick start: installs what is missing, builds mr, creates a demo workspace of a few
# repositories in different states under $MR_DEMO (default /tmp/mr-demo), registers them in
# the demo's own registry, and shows mr at work. Your own ~/.mrconfig.toml is not touched:
# the demo runs with HOME=$MR_DEMO/home.
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh default
mr="$(pwd)/build/mr"

demo="${MR_DEMO:-/tmp/mr-demo}"
rm -rf "$demo"
mkdir -p "$demo/home/src" "$demo/remotes"
export HOME="$demo/home" GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME="mr demo" GIT_AUTHOR_EMAIL="demo@example.org"
export GIT_COMMITTER_NAME="mr demo" GIT_COMMITTER_EMAIL="demo@example.org"
git config --global init.defaultBranch main

# A repository with a bare remote it is in sync with.
make_repo() {
  git init -q --bare "$demo/remotes/$1.git"
  git clone -q "$demo/remotes/$1.git" "$demo/home/src/$1" 2>/dev/null
  (cd "$demo/home/src/$1" && echo "# $1" > README.md && git add README.md &&
   git commit -qm "initial commit" && git push -q origin main)
}
for r in clean dirty ahead behind; do make_repo "$r"; done
# dirty: a modified file and an untracked one
echo "work in progress" >> "$demo/home/src/dirty/README.md"
echo "notes" > "$demo/home/src/dirty/notes.txt"
# ahead: a local commit not pushed yet
(cd "$demo/home/src/ahead" && echo more >> README.md && git commit -qam "local change")
# behind: someone else pushed; we have fetched but not merged
git clone -q "$demo/remotes/behind.git" "$demo/other" 2>/dev/null
(cd "$demo/other" && echo upstream >> README.md && git commit -qam "upstream change" && git push -q)
(cd "$demo/home/src/behind" && git fetch -q)
# local-only: no remote at all, one change staged and a stash
git init -q "$demo/home/src/local-only"
(cd "$demo/home/src/local-only" && echo x > x && git add x && git commit -qm "only here" &&
 echo y >> x && git stash -q && echo z > z && git add z)

run() {
  printf '\n$ %s\n' "$*"
  "$@" || true
}
cd "$demo/home/src"
for r in clean dirty ahead behind local-only; do
  (cd "$r" && "$mr" register)
done
# A repository registered on another machine and not cloned here yet.
printf '\n[repos."%s"]\nurl = "%s"\n' "$demo/home/src/not-cloned-yet" "$demo/remotes/clean.git" \
  >> "$HOME/.mrconfig.toml"
run cat "$HOME/.mrconfig.toml"
run "$mr" list
run "$mr" status
run "$mr" summary
run "$mr" summary --dirty
run "$mr" diff --stat
run "$mr" -d "$demo/home/src/dirty" diff
run "$mr" --json summary
run "$mr" update
run "$mr" summary
echo
echo "Demo workspace: $demo (HOME=$demo/home). Try: cd $demo/home/src && HOME=$demo/home $mr status"
