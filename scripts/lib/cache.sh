# Sourced by the install scripts: where their downloads live, and the lock that makes them run once.
#
# cache_root: a cache outside git, the same one the TypeScript side uses (cacheDir() in
# test/support/cassandra/distribution.ts): $CPA_CACHE_DIR, else $XDG_CACHE_HOME or ~/.cache.
cache_root="${CPA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cassandra-pod-agent}"

# lock_cache DIR: creates DIR and holds an exclusive lock on DIR/.lock (file descriptor 9) until the script
# exits, so concurrent callers (test files run in parallel) wait for one install instead of racing.
lock_cache() {
  mkdir -p "$1"
  exec 9>"$1/.lock"
  flock 9
}
