#!/bin/sh
# Shared by the runtime-cpu and runtime-gpu stages of deploy/Dockerfile (bind-mounted, not copied): the
# runtime's system packages and the unprivileged user the chart runs as (runAsUser 10001).
set -eu
apt-get update
# espeak-ng and sox: the speech and parrotron services synthesise and resample audio with them.
apt-get install -y --no-install-recommends espeak-ng sox
rm -rf /var/lib/apt/lists/*
groupadd --system --gid 10001 nnsuite
useradd --system --uid 10001 --gid nnsuite --home-dir /app --shell /usr/sbin/nologin nnsuite
mkdir -p /var/lib/nnsuite
chown nnsuite:nnsuite /var/lib/nnsuite
