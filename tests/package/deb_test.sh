#!/bin/bash
# package.Deb: the Debian package, built, checked, installed and removed for real.
#   deb_test.sh BUILD_DIR CPACK DEB_VERSION VERSION
# Builds the package with cpack into a temporary directory; checks its file list, control
# fields, maintainer scripts, stripped binary, gzip headers, copyright and changelog;
# runs lintian (any E: fails); runs the maintainer scripts in a scratch dpkg root (no
# myrepos; a stand-in myrepos installed before and after mr; an upgrade); then installs
# the package on this machine, checks the installed mr, its man pages and its bash
# completion, purges it, and checks that every path the package touches, the diversions
# and mr's dpkg status are as they were (/usr/bin/mr is myrepos' again).
# Exit 77 (skipped) when not root or without dpkg. ctest runs it alone (RUN_SERIAL): while
# it runs, /usr/bin/mr is not myrepos'.
set -eu

build_dir=$1 cpack=$2 deb_version=$3 version=$4
source_dir=$(cd "$(dirname "$0")/../.." && pwd)

skip() {
  echo "package.Deb: skipped: $*"
  exit 77
}
fail() {
  echo "package.Deb: FAIL: $*" >&2
  exit 1
}
# Each step with the time since the start, to see where the seconds go.
start=$(date +%s%N)
step() { echo "== $* (at $((($(date +%s%N) - start) / 1000000)) ms)"; }

[ "$(id -u)" -eq 0 ] || skip "needs root (it installs the package)"
command -v dpkg >/dev/null || skip "dpkg is not installed"
for tool in dpkg-deb dpkg-divert dpkg-query dpkg-shlibdeps lintian man file gzip timeout; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/install-deps.sh installs it)"
done
mr_status() { dpkg-query -W -f='${db:Status-Status}' mr 2>/dev/null || true; }
case "$(mr_status)" in
  "" | not-installed) ;;
  *) fail "a package mr is already on this machine ($(mr_status)); remove it first (dpkg --purge mr)" ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mr-deb-test.XXXXXX")
installed_here=0
lintian_pid=""
# Whatever happens, a package this test installed is purged and the temporary files go.
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  [ -z "$lintian_pid" ] || kill "$lintian_pid" 2>/dev/null || true
  if [ "$installed_here" = 1 ] && [ "$(mr_status)" != not-installed ] && [ -n "$(mr_status)" ]; then
    echo "package.Deb: purging the package this test installed" >&2
    timeout 120 dpkg --purge mr >&2 || status=1
  fi
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Runs a command with a time limit, its output kept in $tmp/log and shown if it fails.
run() {
  local limit=$1
  shift
  local status=0
  timeout "$limit" "$@" >"$tmp/log" 2>&1 || status=$?
  if [ "$status" != 0 ]; then
    cat "$tmp/log" >&2
    [ "$status" != 124 ] || fail "$* took more than $limit s"
    fail "$* (exit $status)"
  fi
}

step "cpack -G DEB"
run 60 "$cpack" -G DEB -B "$tmp/out" --config "$build_dir/CPackConfig.cmake"
arch=$(dpkg --print-architecture)
deb=$tmp/out/mr_${deb_version}_${arch}.deb
[ -f "$deb" ] || fail "cpack made no $(basename "$deb"): $(ls "$tmp/out")"

# lintian takes the longest: it runs while the rest is checked.
timeout 120 lintian -I --pedantic "$deb" >"$tmp/lintian.out" 2>&1 &
lintian_pid=$!

step "file list"
dpkg-deb -c "$deb" | awk '{ print $1, $2, $6 }' >"$tmp/files"
cat >"$tmp/files.expected" <<'EOF'
drwxr-xr-x root/root ./usr/
drwxr-xr-x root/root ./usr/bin/
-rwxr-xr-x root/root ./usr/bin/mr
drwxr-xr-x root/root ./usr/share/
drwxr-xr-x root/root ./usr/share/bash-completion/
drwxr-xr-x root/root ./usr/share/bash-completion/completions/
-rw-r--r-- root/root ./usr/share/bash-completion/completions/mr
drwxr-xr-x root/root ./usr/share/doc/
drwxr-xr-x root/root ./usr/share/doc/mr/
-rw-r--r-- root/root ./usr/share/doc/mr/changelog.Debian.gz
-rw-r--r-- root/root ./usr/share/doc/mr/copyright
drwxr-xr-x root/root ./usr/share/fish/
drwxr-xr-x root/root ./usr/share/fish/vendor_completions.d/
-rw-r--r-- root/root ./usr/share/fish/vendor_completions.d/mr.fish
drwxr-xr-x root/root ./usr/share/lintian/
drwxr-xr-x root/root ./usr/share/lintian/overrides/
-rw-r--r-- root/root ./usr/share/lintian/overrides/mr
drwxr-xr-x root/root ./usr/share/man/
drwxr-xr-x root/root ./usr/share/man/man1/
-rw-r--r-- root/root ./usr/share/man/man1/mr.1.gz
drwxr-xr-x root/root ./usr/share/man/man5/
-rw-r--r-- root/root ./usr/share/man/man5/mrconfig.toml.5.gz
drwxr-xr-x root/root ./usr/share/zsh/
drwxr-xr-x root/root ./usr/share/zsh/vendor-completions/
-rw-r--r-- root/root ./usr/share/zsh/vendor-completions/_mr
EOF
diff -u "$tmp/files.expected" "$tmp/files" || fail "the package's files differ from the expected list (- expected, + packaged)"

step "control"
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = mr ] || fail "Package: $(field Package)"
[ "$(field Version)" = "$deb_version" ] || fail "Version: $(field Version), expected $deb_version"
[ "$(field Architecture)" = "$arch" ] || fail "Architecture: $(field Architecture), expected $arch"
[ "$(field Section)" = vcs ] || fail "Section: $(field Section)"
[ "$(field Priority)" = optional ] || fail "Priority: $(field Priority)"
[ -n "$(field Maintainer)" ] || fail "no Maintainer"
[ -z "$(field Homepage)" ] || fail "Homepage: $(field Homepage) (the project has none)"
depends=$(field Depends)
# git by hand; the libraries from dpkg-shlibdeps, which names them with versions.
for dep in git libc6 libgit2-1.5 libstdc++6 zlib1g; do
  case ", $depends," in
    *", $dep,"* | *", $dep ("*) ;;
    *) fail "Depends lacks $dep: $depends" ;;
  esac
done
description=$(field Description)
[ "$(printf '%s\n' "$description" | head -n 1 | wc -c)" -gt 20 ] || fail "Description: no synopsis"
[ "$(printf '%s\n' "$description" | wc -l)" -gt 4 ] || fail "Description: no long description"
dpkg-deb --ctrl-tarfile "$deb" | tar -tvf - | awk '{ print $1, $6 }' | grep -E 'preinst|postrm' | sort >"$tmp/scripts"
printf '%s\n' '-rwxr-xr-x ./postrm' '-rwxr-xr-x ./preinst' | diff -u - "$tmp/scripts" ||
  fail "the maintainer scripts are not preinst and postrm, mode 0755"

step "contents"
dpkg-deb -x "$deb" "$tmp/x"
file -b "$tmp/x/usr/bin/mr" | grep -q ', stripped' || fail "/usr/bin/mr is not stripped: $(file -b "$tmp/x/usr/bin/mr")"
file -b "$build_dir/mr" | grep -q 'not stripped' || fail "build/mr lost its symbols: $(file -b "$build_dir/mr")"
# gzip -9n: magic, deflate, no flags (so no name), time 0, maximum compression, Unix.
for gz in usr/share/man/man1/mr.1.gz usr/share/man/man5/mrconfig.toml.5.gz usr/share/doc/mr/changelog.Debian.gz; do
  header=$(od -An -tx1 -N10 "$tmp/x/$gz" | tr -s ' ')
  [ "$header" = " 1f 8b 08 00 00 00 00 00 02 03" ] || fail "$gz was not made by gzip -9n: header$header"
done
zcat "$tmp/x/usr/share/doc/mr/changelog.Debian.gz" | head -n 1 | grep -q "^mr ($deb_version) " ||
  fail "changelog.Debian.gz does not start with mr ($deb_version)"
copyright=$tmp/x/usr/share/doc/mr/copyright
head -n 1 "$copyright" | grep -q '^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/$' ||
  fail "copyright is not in the DEP-5 format"
grep -q '^Files: \*$' "$copyright" || fail "copyright: no Files: *"
grep -q '^License: Expat$' "$copyright" || fail "copyright: no License: Expat"
# The licence text in copyright is LICENSE's, after its Copyright line, word for word.
sed -n '/^License: Expat$/,$p' "$copyright" | tail -n +2 | sed 's/^ //; s/^\.$//' >"$tmp/license.packaged"
sed -n '/^Copyright /,$p' "$source_dir/LICENSE" | tail -n +3 >"$tmp/license.source"
diff -u "$tmp/license.source" "$tmp/license.packaged" || fail "copyright's licence text is not LICENSE's"

# A dpkg database of its own under $tmp/root: the maintainer scripts run there with
# DPKG_ROOT set (dpkg-divert honours it), against a stand-in package that owns the three
# names mr diverts (myrepos' mr and mr(1), bash-completion's completion of mr).
step "maintainer scripts in a scratch root"
root=$tmp/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers"
touch "$root/var/lib/dpkg/status"
# If this machine's dpkg.cfg.d leaves out man pages (container images may have
# path-exclude=/usr/share/man/*), the package's pages are let in anyway: `man mr` is how
# to read about mr. Without such a path-exclude these change nothing. The directories are
# named too: dpkg 1.21 does not bring back an excluded man1/ for an included file in it.
include_man=(--path-include=/usr/share/man/man1 --path-include=/usr/share/man/man1/mr.1.gz
  --path-include=/usr/share/man/man5 --path-include=/usr/share/man/man5/mrconfig.toml.5.gz)
rdpkg() { run 30 dpkg --root="$root" --log="$tmp/root-dpkg.log" --force-script-chrootless --force-depends "$@"; }
fake=$tmp/myrepos
mkdir -p "$fake/DEBIAN" "$fake/usr/bin" "$fake/usr/share/man/man1" "$fake/usr/share/bash-completion/completions"
printf '%s\n' 'Package: myrepos' 'Version: 1.0' 'Architecture: all' 'Maintainer: nobody <nobody@example.org>' \
  'Provides: mr' 'Replaces: mr' 'Description: stand-in for myrepos' ' A package that owns /usr/bin/mr.' >"$fake/DEBIAN/control"
printf '#!/bin/sh\necho myrepos\n' >"$fake/usr/bin/mr"
chmod 0755 "$fake/usr/bin/mr"
echo 'myrepos page' | gzip -9n >"$fake/usr/share/man/man1/mr.1.gz"
echo '# myrepos completion' >"$fake/usr/share/bash-completion/completions/mr"
run 30 dpkg-deb --root-owner-group -Zgzip -z1 --build "$fake" "$tmp/myrepos.deb"
is_ours() { cmp -s "$tmp/x/usr/bin/mr" "$1"; }
is_myrepos() { grep -q '^echo myrepos$' "$1" 2>/dev/null; }
diversions() { dpkg-divert --root "$root" --list mr | sort; }
owner() { dpkg --root="$root" -S "$1" 2>/dev/null | grep -v '^diversion' | cut -d: -f1; }

# No myrepos, and man pages excluded as on a minimal image: the diversions are recorded,
# nothing is renamed, the man pages are there, purge leaves nothing.
rdpkg --path-exclude='/usr/share/man/*' "${include_man[@]}" -i "$deb"
for page in man1/mr.1.gz man5/mrconfig.toml.5.gz; do
  [ -f "$root/usr/share/man/$page" ] || fail "root: with /usr/share/man/* excluded, $page was not installed"
done
is_ours "$root/usr/bin/mr" || fail "root, no myrepos: /usr/bin/mr is not the packaged binary"
[ ! -e "$root/usr/bin/mr.myrepos" ] || fail "root, no myrepos: /usr/bin/mr.myrepos appeared"
[ "$(diversions | wc -l)" = 3 ] || fail "root, no myrepos: diversions: $(diversions)"
rdpkg --purge mr
[ -z "$(diversions)" ] || fail "root, no myrepos: diversions left: $(diversions)"
[ ! -e "$root/usr" ] || fail "root, no myrepos: left behind: $(find "$root/usr")"

# myrepos first, then mr, then mr again (an upgrade), then mr purged: myrepos' files move
# aside to mr.myrepos and come back.
rdpkg -i "$tmp/myrepos.deb"
rdpkg "${include_man[@]}" -i "$deb"
rdpkg "${include_man[@]}" -i "$deb"
is_ours "$root/usr/bin/mr" || fail "root, myrepos first: /usr/bin/mr is not ours"
is_myrepos "$root/usr/bin/mr.myrepos" || fail "root, myrepos first: /usr/bin/mr.myrepos is not myrepos'"
[ "$(zcat "$root/usr/share/man/man1/mr.myrepos.1.gz")" = 'myrepos page' ] || fail "root: mr.myrepos.1.gz is not myrepos' page"
grep -q '^# myrepos completion$' "$root/usr/share/bash-completion/completions/mr.distrib" ||
  fail "root: the bash completion of myrepos is not at mr.distrib"
rdpkg --purge mr
is_myrepos "$root/usr/bin/mr" || fail "root, myrepos first: /usr/bin/mr did not come back to myrepos"
grep -q '^# myrepos completion$' "$root/usr/share/bash-completion/completions/mr" ||
  fail "root, myrepos first: the bash completion of myrepos did not come back"
[ "$(owner /usr/bin/mr)" = myrepos ] || fail "root: dpkg -S /usr/bin/mr: $(owner /usr/bin/mr)"
[ ! -e "$root/usr/bin/mr.myrepos" ] || fail "root, myrepos first: /usr/bin/mr.myrepos is left"
[ -z "$(diversions)" ] || fail "root, myrepos first: diversions left: $(diversions)"

# mr first, then myrepos: myrepos' files land at mr.myrepos at once.
rdpkg --purge myrepos
rdpkg "${include_man[@]}" -i "$deb"
rdpkg -i "$tmp/myrepos.deb"
is_ours "$root/usr/bin/mr" || fail "root, mr first: /usr/bin/mr is not ours"
is_myrepos "$root/usr/bin/mr.myrepos" || fail "root, mr first: myrepos did not land at mr.myrepos"
rdpkg --purge mr
is_myrepos "$root/usr/bin/mr" || fail "root, mr first: /usr/bin/mr did not come back to myrepos"
[ -z "$(diversions)" ] || fail "root, mr first: diversions left: $(diversions)"

step "lintian"
lintian_status=0
wait "$lintian_pid" || lintian_status=$?
lintian_pid=""
grep -v '^running with root privileges' "$tmp/lintian.out" || true
! grep -q '^E:' "$tmp/lintian.out" || fail "lintian reports errors (E:)"
[ "$lintian_status" = 0 ] || fail "lintian failed (exit $lintian_status)"

# This machine, as it is now: every path the package has or diverts (a file by its
# checksum and owners, a directory by being there), the diversions, mr's dpkg status.
paths=$(awk '{ print substr($3, 2) }' "$tmp/files" | sed 's,/$,,'
  printf '%s\n' /usr/bin/mr.myrepos /usr/share/man/man1/mr.myrepos.1.gz /usr/share/bash-completion/completions/mr.distrib)
machine_state() {
  local p
  for p in $paths; do
    if [ -d "$p" ]; then
      echo "$p directory"
    elif [ -e "$p" ]; then
      echo "$p $(sha256sum <"$p" | cut -c1-16) $(dpkg -S "$p" 2>/dev/null | tr '\n' ' ')"
    else
      echo "$p absent"
    fi
  done
  dpkg-divert --list | sort
  echo "mr: $(mr_status | sed 's/^not-installed$//')"
}
machine_state >"$tmp/state.before"
# What is at the three diverted names now must be at the diverted-to names while mr is in.
checksum() { if [ -f "$1" ]; then sha256sum <"$1"; fi; }
before_bin=$(checksum /usr/bin/mr)
before_man=$(checksum /usr/share/man/man1/mr.1.gz)
before_completion=$(checksum /usr/share/bash-completion/completions/mr)

step "dpkg -i"
installed_here=1
run 120 dpkg -i "${include_man[@]}" "$deb"
cmp -s "$tmp/x/usr/bin/mr" /usr/bin/mr || fail "/usr/bin/mr is not the packaged binary"
mr_version=$(timeout 10 /usr/bin/mr --version) || fail "mr --version failed"
case "$mr_version" in
  "mr $version (libgit2 "*) ;;
  *) fail "mr --version: $mr_version" ;;
esac
[ "$(checksum /usr/bin/mr.myrepos)" = "$before_bin" ] || fail "/usr/bin/mr.myrepos is not the mr that was there"
[ "$(checksum /usr/share/man/man1/mr.myrepos.1.gz)" = "$before_man" ] || fail "mr.myrepos.1.gz is not the mr(1) that was there"
[ "$(checksum /usr/share/bash-completion/completions/mr.distrib)" = "$before_completion" ] ||
  fail "completions/mr.distrib is not the completion that was there"
if [ -n "$before_bin" ]; then
  [ -x /usr/bin/mr.myrepos ] || fail "/usr/bin/mr.myrepos is not executable"
fi
if [ -n "$before_man" ]; then
  manpage=$(timeout 30 env -u MANPATH man -w mr.myrepos) || fail "man -w mr.myrepos failed"
  [ "$manpage" = /usr/share/man/man1/mr.myrepos.1.gz ] || fail "man -w mr.myrepos: $manpage"
fi
manpage=$(timeout 30 env -u MANPATH man -w mr) || fail "man -w mr failed"
[ "$manpage" = /usr/share/man/man1/mr.1.gz ] || fail "man -w mr: $manpage"
manpage=$(timeout 30 env -u MANPATH man -w 5 mrconfig.toml) || fail "man -w 5 mrconfig.toml failed"
[ "$manpage" = /usr/share/man/man5/mrconfig.toml.5.gz ] || fail "man -w 5 mrconfig.toml: $manpage"
# bash-completion loads the installed file on demand; `mr --co` completes to the two
# options that start so. HOME and XDG_DATA_DIRS keep other completion files out.
mkdir "$tmp/home"
# The single-quoted script is expanded by the inner shell.
# shellcheck disable=SC2016
completion=$(HOME=$tmp/home XDG_DATA_DIRS=/usr/share timeout 30 bash --norc --noprofile -c '
  . /usr/share/bash-completion/bash_completion
  _completion_loader mr
  spec=$(complete -p mr) || exit 1
  function=${spec#*-F }
  function=${function%% *}
  COMP_WORDS=(mr --co) COMP_CWORD=1 COMP_LINE="mr --co" COMP_POINT=7
  "$function" mr --co mr
  printf "%s\n" "${COMPREPLY[@]}" | sort -u | tr "\n" " "') || fail "bash completion of mr did not load"
[ "$completion" = "--color --config " ] || fail "bash completion of 'mr --co': $completion"

step "dpkg --purge"
run 120 dpkg --purge mr
installed_here=0
machine_state >"$tmp/state.after"
diff -u "$tmp/state.before" "$tmp/state.after" || fail "the machine is not as it was before the install (- before, + after)"
step "package.Deb: ok"
