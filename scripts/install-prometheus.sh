#!/usr/bin/env bash
# Makes Debian's `prometheus` package (the server and promtool) available to the tests without installing
# it system-wide: `apt-get download` fetches the .deb and `dpkg -x` unpacks it into a cache outside git, so
# no service is started and nothing under /usr changes. The binaries are static apart from libc.
# Idempotent: once unpacked, a second run touches no network. A lock serialises concurrent callers.
# Prints the directory holding `prometheus` and `promtool` on success.
set -euo pipefail

# shellcheck source=lib/cache.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/cache.sh"
dir="$cache_root/prometheus"
lock_cache "$dir"

log() { printf 'install-prometheus: %s\n' "$*" >&2; }

if [[ ! -x "$dir/root/usr/bin/promtool" || ! -x "$dir/root/usr/bin/prometheus" ]]; then
  staging="$(mktemp -d "$dir/download.XXXXXX")"
  trap 'rm -rf "$staging"' EXIT
  # apt-get download writes into the current directory; _apt cannot write there, which only costs a warning.
  if ! (cd "$staging" && apt-get download -q prometheus >&2); then
    log "package lists look stale; running apt-get update once"
    apt-get update -q >&2
    (cd "$staging" && apt-get download -q prometheus >&2)
  fi
  deb="$(ls "$staging"/prometheus_*.deb)"
  log "unpacking $(basename "$deb")"
  rm -rf "$dir/root"
  dpkg -x "$deb" "$staging/root"
  mv "$staging/root" "$dir/root"
fi

echo "$dir/root/usr/bin"
