#!/bin/sh
# Installs the Debian 12 packages mr needs to build, test and demo, skipping those already
# installed (so it costs nothing on a prepared machine). Run as root, or with sudo available.
# The last line is for the package test (tests/package/deb_test.sh): cpack's dependency
# list (dpkg-shlibdeps), lintian, `man -w` and `file`.
set -eu

packages="g++ cmake ninja-build pkg-config git ca-certificates
libgit2-dev zlib1g-dev libcli11-dev libtomlplusplus-dev libspdlog-dev libfmt-dev libexpected-dev
libgtest-dev scdoc util-linux myrepos bash-completion zsh fish openssh-client openssh-server
clang-14 libclang-rt-14-dev
dpkg-dev lintian man-db file"

missing=""
for p in $packages; do
  if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing="$missing $p"
  fi
done
[ -z "$missing" ] && exit 0

echo "installing:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1; then
  sudo="sudo"
else
  echo "error: missing packages:$missing; install them as root" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
