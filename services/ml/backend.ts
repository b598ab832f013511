// The one place that chooses the tfjs backend for the whole process (CONTRIBUTING.md: nothing else calls
// tf.setBackend). Preference: `tensorflow` (tfjs-node / tfjs-node-gpu, native libtensorflow) when it can be
// imported, else `wasm` (SIMD, with the training kernels it lacks registered by wasm-training-kernels.ts),
// else the pure-JS `cpu`. NNSUITE_TF_BACKEND=tensorflow|wasm|cpu forces one and fails loudly if it cannot start.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { registerBatchNormGradient } from './batchnorm-gradient.js';
import { registerWasmTrainingKernels } from './wasm-training-kernels.js';

export { tf };

export const BACKEND_NAMES = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** The env var that forces a backend. */
export const BACKEND_ENV = 'NNSUITE_TF_BACKEND';

let chosen: Promise<BackendName> | undefined;

/**
 * Choose and activate the backend once per process; later calls return the same promise.
 * Logs one JSON line `{"msg":"tfjs backend",...}` to stderr with the choice and why.
 */
export function initBackend(): Promise<BackendName> {
  chosen ??= chooseBackend();
  return chosen;
}

/** Backends that can start in this process, in preference order (for tests and benchmarks). */
export async function availableBackends(): Promise<BackendName[]> {
  const found: BackendName[] = [];
  for (const name of BACKEND_NAMES) if (await registerBackend(name)) found.push(name);
  return found;
}

/**
 * Switch the active backend (tensors migrate lazily). Only for tests and benchmarks that compare
 * backends in one process; services call initBackend() and never switch.
 */
export async function useBackend(name: BackendName): Promise<void> {
  if (!(await registerBackend(name))) throw new Error(`tfjs backend '${name}' is not available in this process`);
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend '${name}' failed to initialize`);
  await tf.ready();
}

function forcedBackend(): BackendName | undefined {
  const raw = process.env[BACKEND_ENV]?.trim();
  if (!raw) return undefined;
  if (!(BACKEND_NAMES as readonly string[]).includes(raw)) {
    throw new Error(`${BACKEND_ENV}='${raw}' is not one of ${BACKEND_NAMES.join('|')}`);
  }
  return raw as BackendName;
}

async function chooseBackend(): Promise<BackendName> {
  const forced = forcedBackend();
  const candidates = forced ? [forced] : BACKEND_NAMES;
  for (const name of candidates) {
    if (!(await registerBackend(name))) continue;
    if (await tf.setBackend(name)) {
      await tf.ready();
      logChoice(name, forced ? 'forced' : 'fastest available');
      return name;
    }
  }
  throw new Error(forced ? `${BACKEND_ENV}=${forced} but that backend cannot start here` : 'no tfjs backend could start');
}

const require = createRequire(import.meta.url);

/** Where services/ml/tfjs-node/build-native.sh puts tfjs-node (env NNSUITE_TFJS_NODE_DIR overrides). */
export function nativeBuildDir(): string {
  const root = process.env.NNSUITE_TFJS_NODE_DIR ?? join(fileURLToPath(new URL('../../', import.meta.url)), '.nnsuite/tfjs-node');
  return join(root, 'node_modules/@tensorflow/tfjs-node');
}

const registered = new Map<BackendName, Promise<boolean>>();

/** Import the backend's package once (dynamic: tfjs-node may be absent) and apply our kernel fixes. */
function registerBackend(name: BackendName): Promise<boolean> {
  let done = registered.get(name);
  if (!done) {
    done = importBackend(name);
    registered.set(name, done);
  }
  return done;
}

async function importBackend(name: BackendName): Promise<boolean> {
  registerBatchNormGradient();
  switch (name) {
    case 'tensorflow':
      // tfjs-node-gpu first (a GPU image installs it), then a regular tfjs-node, then the one
      // tfjs-node/build-native.sh builds against PyPI's libtensorflow. All are CommonJS and optional.
      process.env.TF_CPP_MIN_LOG_LEVEL ??= '2'; // libtensorflow's info lines would break one-JSON-line logs
      for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node', nativeBuildDir()]) {
        try {
          require(pkg);
          if (tf.findBackendFactory('tensorflow')) return true;
        } catch {
          // not installed, or its native binding failed to load: try the next one
        }
      }
      return false;
    case 'wasm':
      try {
        await import('@tensorflow/tfjs-backend-wasm');
      } catch {
        return false;
      }
      registerWasmTrainingKernels(); // a bug here must surface, not silently demote us to cpu
      return tf.findBackendFactory('wasm') != null;
    case 'cpu':
      return tf.findBackendFactory('cpu') != null;
  }
}

function logChoice(name: BackendName, reason: string): void {
  process.stderr.write(`${JSON.stringify({ level: 'info', msg: 'tfjs backend', backend: name, reason, tfjs: tf.version_core })}\n`);
}
