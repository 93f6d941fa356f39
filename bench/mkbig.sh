#!/usr/bin/env bash
# The large-repository benchmark workspaces of bench/status.sh:
#   bench/mkbig.sh big DIR REPOS FILES       REPOS repositories of FILES tracked files each
#   bench/mkbig.sh untracked DIR FILES       one repository with FILES untracked files in one
#                                            directory, and FILES more in an untracked tree
# "big": repositories repo1..repoREPOS, one commit of FILES files spread over directories
# as in a real source tree: top directories tNN, each with subdirectories sNN, leaves of
# uneven sizes (from 1 to about 2x the mean of FILES/400 files; about 420 directories in all),
# plus README.md and Makefile at the top. Clean, index refreshed.
# "untracked": repo1 with src/ (20 tracked files) and data/ holding data/README (tracked)
# and FILES untracked files data/uNNNNNN (`git status -s` lists each); plus cache/, an
# untracked tree of FILES files in 100 directories (`git status -s` shows "?? cache/",
# -uall lists every file, 2 x FILES lines in all).
# Under DIR (replaced when it exists): ws/repoK, ws/.mrconfig.toml (mr's registry),
# lists/repoK.z (`git ls-files -z`, for bench/floor.c), home/ (env.sh's $HOME), INFO.
set -euo pipefail
usage() {
  echo "usage: $0 big DIR REPOS FILES | $0 untracked DIR FILES" >&2
  exit 2
}
[ $# -ge 3 ] || usage
KIND=$1
DIR=$(realpath -m -- "$2")
case $KIND in
  big)
    [ $# -eq 4 ] || usage
    REPOS=$3 FILES=$4
    ;;
  untracked)
    [ $# -eq 3 ] || usage
    REPOS=1 FILES=$3
    ;;
  *) usage ;;
esac
[[ $REPOS =~ ^[1-9][0-9]*$ && $FILES =~ ^[1-9][0-9]*$ ]] || usage
export DIR
# shellcheck source=env.sh
. "$(cd "$(dirname "$0")" && pwd)/env.sh"

started=$(date +%s.%N)
rm -rf "${DIR:?}"
mkdir -p "$DIR/ws" "$DIR/lists" "$HOME"
printf '[init]\n\tdefaultBranch = main\n' >"$HOME/.gitconfig"

# A fast-import stream of one commit: the tracked files of KIND.
stream() { # K
  awk -v k="$1" -v files="$FILES" -v kind="$KIND" '
    function put(path, text) {
      printf "M 100644 inline %s\ndata %d\n%s\n", path, length(text), text
    }
    BEGIN {
      printf "commit refs/heads/main\ncommitter Bench <bench@example.invalid> 1700000000 +0000\n"
      printf "data 7\nimport\n"
      put("README.md", sprintf("# repo%d\n", k))
      put("Makefile", "all:\n\t@true\n")
      if (kind == "untracked") {
        for (i = 0; i < 20; i++)
          put(sprintf("src/m%02d.c", i), sprintf("int m%d;\n", i))
        put("data/README", "data files, not tracked\n")
        exit
      }
      # 20 top directories of 20 subdirectories: 400 leaves; leaf L gets a weight from 1
      # to 19 (a fixed pseudo-random walk), so leaves hold from a few to ~2x the mean.
      leaves = 400
      total = 0
      for (l = 0; l < leaves; l++) {
        w[l] = 1 + (l * 7919 + 13) % 19
        total += w[l]
      }
      i = 0
      for (l = 0; l < leaves && i < files; l++) {
        n = (l == leaves - 1) ? files - i : int(files * w[l] / total + 0.5)
        for (j = 0; j < n && i < files; j++) {
          put(sprintf("t%02d/s%02d/f%06d.txt", int(l / 20), l % 20, i),
              sprintf("repository %d, file %d\nthe quick brown fox %d\n", k, i, i * 7))
          i++
        }
      }
    }'
}

for k in $(seq 1 "$REPOS"); do
  repo="$DIR/ws/repo$k"
  git init -q -b main "$repo"
  stream "$k" | git -C "$repo" -c fastimport.unpackLimit=0 fast-import --quiet
  git -C "$repo" reset -q --hard main
  git -C "$repo" ls-files -z >"$DIR/lists/repo$k.z"
done

if [ "$KIND" = untracked ]; then
  repo="$DIR/ws/repo1"
  # One directory of FILES untracked files beside a tracked one; a tree of FILES more.
  (cd "$repo/data" && seq -f 'u%06g' 1 "$FILES" | xargs touch)
  for d in $(seq -w 0 99); do mkdir -p "$repo/cache/$d"; done
  (cd "$repo/cache" && seq 1 "$FILES" | awk '{ printf "%02d/c%06d\n", $1 % 100, $1 }' | xargs touch)
fi

{
  echo "# bench/mkbig.sh $KIND: $REPOS repositories"
  for k in $(seq 1 "$REPOS"); do
    printf '[repos."repo%d"]\nurl = "%s/ws/repo%d"\n\n' "$k" "$DIR" "$k"
  done
} >"$DIR/ws/.mrconfig.toml"

# Past git's racy-clean window, one `git status` refreshes each index, so no timed run
# re-hashes files written in the same second as the index.
sleep 1
for k in $(seq 1 "$REPOS"); do git -C "$DIR/ws/repo$k" status --porcelain >/dev/null; done
cat >"$DIR/INFO" <<EOF
KIND=$KIND REPOS=$REPOS FILES=$FILES built_by=bench/mkbig.sh
build_s=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
EOF
cat "$DIR/INFO"
