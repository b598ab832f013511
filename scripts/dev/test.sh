#!/usr/bin/env bash
# `npm test`: everything CI checks, in order — contracts (lint, breaking, generated code fresh), types, then
# every mocha test (unit, service, gateway, chart). Tests that read ../shared skip with a message when it is absent.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

step() { printf '\n== %s\n' "$*"; }

step "buf lint"
npx buf lint

step "buf breaking against main"
if git rev-parse --verify -q main >/dev/null; then
  npx buf breaking --against '.git#branch=main'
else
  echo "no local main branch: skipped"
fi

step "generated code is up to date"
npx buf generate
npx buf generate --template test/fixture/buf.gen.yaml
if [ -n "$(git status --porcelain -- gen test/fixture/gen)" ]; then
  git status --short -- gen test/fixture/gen
  echo "generated code is stale: run 'npm run generate' and commit gen/" >&2
  exit 1
fi

step "typecheck"
npx tsc --noEmit -p tsconfig.json

step "helm"
HELM="$(scripts/dev/install-helm.sh | tail -1)" && export NNSUITE_HELM="$HELM" || echo "helm could not be installed: chart tests will say so"

step "tests"
npx mocha --reporter "${MOCHA_REPORTER:-spec}" \
  'services/**/*.test.ts' 'gateway/**/*.test.ts' 'cli/**/*.test.ts' 'scripts/**/*.test.ts' 'test/**/*.test.ts'
