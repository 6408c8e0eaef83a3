#!/usr/bin/env bash
# Installs, once, schemathesis (PyPI) into a virtualenv in the cache outside git, for the API fuzz test
# (test/integration/api-fuzz.test.ts). Idempotent: checks the installed version first; a lock serialises
# concurrent callers. Prints the path of the `st` command on success.
set -euo pipefail

SCHEMATHESIS_VERSION=4.32.5

# shellcheck source=lib/cache.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/cache.sh"
venv="$cache_root/schemathesis-$SCHEMATHESIS_VERSION"
lock_cache "$venv"

if [[ "$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("schemathesis"))' 2>/dev/null || true)" != "$SCHEMATHESIS_VERSION" ]]; then
  printf 'install-schemathesis: installing schemathesis %s into %s\n' "$SCHEMATHESIS_VERSION" "$venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
printf '%s\n' "$venv/bin/st"
