#!/usr/bin/env bash
# Builds @tensorflow/tfjs-node's native binding against the libtensorflow shipped in the tensorflow-cpu
# wheel on PyPI, because tfjs-node's own install step downloads libtensorflow from Google storage, which
# these machines cannot reach (NOTES-stack.md). Everything comes from the npm and PyPI registries through
# their own clients; versions and the wheel's hash are pinned so a fresh machine gets the same binary.
#
# Result: $NNSUITE_TFJS_NODE_DIR (default <repo>/.nnsuite/tfjs-node, git-ignored) holds
# node_modules/@tensorflow/tfjs-node with a built binding; services/ml/backend.ts finds it there and picks
# the `tensorflow` backend. Nothing in package.json changes, and the suite runs unchanged without it.
# Needs: node + npm (with its bundled node-gyp), g++, make, pip, unzip; ~1.5 GB disk during the build.
# Usage: bash services/ml/tfjs-node/build-native.sh      (idempotent; rerun to rebuild)
set -euo pipefail

TF_VERSION=2.15.1
TFJS_NODE_VERSION=4.22.0
WHEEL=tensorflow_cpu-${TF_VERSION}-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
WHEEL_SHA256=54660c074d7241a503e81edfd9f5ef5af88f64051b72e2945f26318c790f2d26

ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
DEST=${NNSUITE_TFJS_NODE_DIR:-$ROOT/.nnsuite/tfjs-node}
WORK=$DEST/.build
PKG=$DEST/node_modules/@tensorflow/tfjs-node
mkdir -p "$WORK"

log() { echo "[build-native] $*" >&2; }

# 1. libtensorflow (C API in libtensorflow_cc.so.2) and its C headers, from the pinned wheel.
if [ ! -f "$WORK/$WHEEL" ]; then
  log "downloading tensorflow-cpu==$TF_VERSION from PyPI"
  # The wheel's Python tag does not matter (only its shared libraries are used), so ask for a fixed one.
  pip download "tensorflow-cpu==$TF_VERSION" --no-deps --only-binary=:all: --python-version 3.11 \
    --platform manylinux2014_x86_64 -d "$WORK" >&2
fi
echo "$WHEEL_SHA256  $WORK/$WHEEL" | sha256sum -c --quiet -

# 2. tfjs-node's JavaScript and binding sources, without its download step (--ignore-scripts).
log "installing @tensorflow/tfjs-node@$TFJS_NODE_VERSION (scripts off) into $DEST"
[ -f "$DEST/package.json" ] || echo '{"name":"nnsuite-tfjs-node","private":true}' > "$DEST/package.json"
(cd "$DEST" && npm install --no-save --no-package-lock --ignore-scripts --no-audit --no-fund \
  "@tensorflow/tfjs-node@$TFJS_NODE_VERSION" >&2)
# One tfjs per process: drop the nested copies so tfjs-node resolves the repo's @tensorflow/tfjs* upward.
rm -rf "$DEST"/node_modules/@tensorflow/tfjs "$DEST"/node_modules/@tensorflow/tfjs-{core,backend-cpu,backend-webgl,converter,data,layers}

# 3. Lay the library out the way tfjs-node's binding.gyp expects (deps/lib, deps/include).
log "unpacking libtensorflow $TF_VERSION"
rm -rf "$WORK/wheel" "$PKG/deps"
unzip -q -o "$WORK/$WHEEL" 'tensorflow/libtensorflow_cc.so.2' 'tensorflow/libtensorflow_framework.so.2' \
  'tensorflow/include/*' -d "$WORK/wheel"
mkdir -p "$PKG/deps/lib"
mv "$WORK/wheel/tensorflow/libtensorflow_cc.so.2" "$WORK/wheel/tensorflow/libtensorflow_framework.so.2" "$PKG/deps/lib/"
mv "$WORK/wheel/tensorflow/include" "$PKG/deps/include"
# binding.gyp links -ltensorflow; the wheel's library with the C API is libtensorflow_cc.
ln -sf libtensorflow_cc.so.2 "$PKG/deps/lib/libtensorflow.so"
ln -sf libtensorflow_framework.so.2 "$PKG/deps/lib/libtensorflow_framework.so"

# 4. Build the N-API binding with npm's bundled node-gyp, using the local Node headers when present.
NODE_GYP="$(npm prefix -g)/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"
NODE_DIR=$(dirname "$(dirname "$(command -v node)")")
NODEDIR_ARG=()
[ -f "$NODE_DIR/include/node/node_api.h" ] && NODEDIR_ARG=(--nodedir="$NODE_DIR")
# node-pre-gyp loads lib/napi-v<N> for the highest N the package lists that this Node supports.
NAPI=$(cd "$PKG" && node -p "Math.max(...require('./package.json').binary.napi_versions.filter((v) => v <= +process.versions.napi))")
log "building the binding (napi v$NAPI)"
(cd "$PKG" && node "$NODE_GYP" configure build "${NODEDIR_ARG[@]}" -j "$(nproc)" \
  --module_name=tfjs_binding --module_path="$PKG/lib/napi-v$NAPI" --napi_build_version="$NAPI" >&2)
rm -rf "$PKG/deps/include" "$PKG/build/Release/obj.target" "$WORK/wheel"

# 5. Prove it loads and computes.
(cd "$ROOT" && node -e "
const tf = require('$PKG');
tf.setBackend('tensorflow').then(() => {
  const y = tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5], [6]])).dataSync();
  if (tf.getBackend() !== 'tensorflow' || y[0] !== 17 || y[1] !== 39) throw new Error('tfjs-node self-test failed');
  console.log(JSON.stringify({ tfjs_node: '$TFJS_NODE_VERSION', libtensorflow: '$TF_VERSION', dir: '$DEST' }));
});" 2> >(grep -v -e cpu_feature_guard -e 'To enable the following' >&2))
