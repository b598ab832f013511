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

# Built by this script: "<HELM_VERSION>+kube1.<minor>" (see the ldflags below).
case "$(installed_version)" in
  "$HELM_VERSION+kube1."*) ;;
  *)
    command -v go >/dev/null || { echo "install-helm: go is not on PATH" >&2; exit 1; }
    mkdir -p "$BIN_DIR"
    echo "install-helm: building helm $HELM_VERSION into $BIN_DIR (the first build takes minutes)" >&2
    # Helm's Makefile stamps ldflags that `go install` leaves unset: the version, and the Kubernetes version
    # `helm template`/`lint` assume (else v1.20, which fails charts with a kubeVersion constraint). The latter
    # is client-go's minor + 1.x, read from the pinned Helm's go.mod as the Makefile does.
    go_mod="$(go mod download -json "helm.sh/helm/v3@$HELM_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p')"
    kube_minor="$(sed -n 's#^[[:space:]]*k8s.io/client-go v0\.\([0-9]*\)\..*#\1#p' "$go_mod")"
    [ -n "$kube_minor" ] || { echo "install-helm: no k8s.io/client-go version in $go_mod" >&2; exit 1; }
    pkg=helm.sh/helm/v3
    GOBIN="$BIN_DIR" CGO_ENABLED=0 nice -n 10 go install -ldflags "-s -w \
      -X $pkg/internal/version.version=$HELM_VERSION -X $pkg/internal/version.metadata=kube1.$kube_minor \
      -X $pkg/pkg/chartutil.k8sVersionMajor=1 -X $pkg/pkg/chartutil.k8sVersionMinor=$kube_minor \
      -X $pkg/pkg/lint/rules.k8sVersionMajor=1 -X $pkg/pkg/lint/rules.k8sVersionMinor=$kube_minor" \
      "$pkg/cmd/helm@$HELM_VERSION"
    case "$(installed_version)" in
      "$HELM_VERSION+kube1.$kube_minor") ;;
      *) echo "install-helm: installed helm reports '$(installed_version)', wanted $HELM_VERSION+kube1.$kube_minor" >&2; exit 1 ;;
    esac
    ;;
esac
echo "$HELM"
