#!/bin/sh
# Shared by the deps-cpu and deps-gpu stages of deploy/Dockerfile (bind-mounted, not copied): production
# node_modules in /app plus the variant's native tfjs package. Build tools (native addons: better-sqlite3,
# hnswlib-node, tfjs-node) are installed only in these stages; the runtimes copy node_modules alone.
# Usage: build-deps.sh @tensorflow/tfjs-node[-gpu]@<version>
set -eu
apt-get update
apt-get install -y --no-install-recommends python3 make g++ ca-certificates
rm -rf /var/lib/apt/lists/*
npm ci --omit=dev
# tfjs-node's install script downloads libtensorflow; services/ml/backend.ts prefers it when importable.
npm install --no-save --omit=dev "$1"
npm cache clean --force
