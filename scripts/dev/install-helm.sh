#!/usr/bin/env bash
# Installs a pinned Helm 3 into the repo-local .tools/bin (gitignored) with `go install`, so the chart tests
# need no system package. Idempotent: does nothing when that version is already there.
# Usage: scripts/dev/install-helm.sh            (prints the helm binary's path as its last line)
set -euo pipefail

HELM_VERSION="${HELM_VERSION:-v3.21.4}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN_DIR="$ROOT/.tools/bin"
HELM="$BIN_DIR/helm"

installed_version() {
  [ -x "$HELM" ] && "$HELM" version --template '{{.Version}}' 2>/dev/null || true
}

if [ "$(installed_version)" != "$HELM_VERSION" ]; then
  command -v go >/dev/null || { echo "install-helm: go is not on PATH" >&2; exit 1; }
  mkdir -p "$BIN_DIR"
  echo "install-helm: building helm $HELM_VERSION into $BIN_DIR (first build takes a few minutes)" >&2
  # helm prints its version from ldflags; `go install` leaves them unset, so stamp the pinned version.
  GOBIN="$BIN_DIR" CGO_ENABLED=0 nice -n 10 go install \
    -ldflags "-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" \
    "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  [ "$(installed_version)" = "$HELM_VERSION" ] || {
    echo "install-helm: installed helm reports '$(installed_version)', wanted $HELM_VERSION" >&2; exit 1; }
fi
echo "$HELM"
