// Saving and loading models through tfjs `io` handlers on the local file system (tfjs-node's file://
// handler is not available on the wasm/cpu backends). Two things are saved:
//  - a model (`saveModel`/`loadModel`): topology + weights, optionally int8 per-channel (quantize.ts),
//    plus the service's config object; loadable by stock tfjs when not quantized;
//  - a training checkpoint (`saveCheckpoint`/`restoreCheckpoint`): weights in order, optimizer slots and
//    the loop state, in `step-<n>` folders of which the newest `keep` are kept.
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { dequantizeInt8, isQuantizable, quantizeInt8 } from './quantize.js';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

/** A weight spec of ours: int8 values followed by one float32 scale per last-axis channel. */
type StoredWeightSpec = tf.io.WeightsManifestEntry & { int8PerChannel?: boolean };

export interface SaveOptions {
  /** Store rank ≥ 2 float32 weights as int8 with per-channel scales (~4× smaller, error ≤ scale/2). */
  quantize?: 'int8';
}

/** A tfjs IOHandler reading/writing `<dir>/model.json` + `<dir>/weights.bin`. */
export function fileSystemHandler(dir: string, options: SaveOptions = {}): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const specs = artifacts.weightSpecs ?? [];
      const data = artifacts.weightData ? tf.io.CompositeArrayBuffer.join(artifacts.weightData) : new ArrayBuffer(0);
      const { bytes, storedSpecs } = options.quantize === 'int8' ? encodeInt8(specs, data) : { bytes: new Uint8Array(data), storedSpecs: specs };
      const { weightData: _data, weightSpecs: _specs, ...rest } = artifacts;
      const modelJson = { ...rest, weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: storedSpecs }] };
      await writeAtomically(dir, { [MODEL_JSON]: JSON.stringify(modelJson), [WEIGHTS_BIN]: bytes });
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const json = JSON.parse(await readFile(join(dir, MODEL_JSON), 'utf8')) as tf.io.ModelJSON;
      const stored = json.weightsManifest.flatMap((group) => group.weights) as StoredWeightSpec[];
      const raw = await readFile(join(dir, WEIGHTS_BIN));
      const { weightSpecs, weightData } = decodeInt8(stored, new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength));
      const { weightsManifest: _manifest, ...rest } = json;
      return { ...rest, weightSpecs, weightData } as tf.io.ModelArtifacts;
    },
  };
}

/** Save a layers model with the config object that builds it (kept in userDefinedMetadata). */
export async function saveModel(dir: string, model: tf.LayersModel, config?: unknown, options: SaveOptions = {}): Promise<void> {
  if (config !== undefined) model.setUserDefinedMetadata({ ...(model.getUserDefinedMetadata() ?? {}), config });
  await model.save(fileSystemHandler(dir, options));
}

export async function loadModel<Config = unknown>(dir: string): Promise<{ model: tf.LayersModel; config: Config | undefined }> {
  const model = await tf.loadLayersModel(fileSystemHandler(dir));
  const config = (model.getUserDefinedMetadata() as { config?: Config } | undefined)?.config;
  return { model, config };
}

// ---- training checkpoints ----

/** What a checkpoint holds weights of: a LayersModel, or `variables(...)` for hand-written models. */
export interface WeightHolder {
  getWeights(): tf.Tensor[];
  setWeights(weights: tf.Tensor[]): void;
}

/** Wrap plain tf.Variables (models not built from tf.layers) so they can be checkpointed. */
export function variables(vars: tf.Variable[]): WeightHolder {
  return {
    getWeights: () => vars,
    setWeights: (weights) => weights.forEach((w, i) => vars[i]!.assign(w)),
  };
}

export interface TrainingState {
  step: number;
  [key: string]: unknown;
}

const STATE_JSON = 'state.json';
const STEP_PREFIX = 'step-';

/** Write `<root>/step-<n>/` (weights, optimizer slots, state) and prune to the newest `keep`. */
export async function saveCheckpoint(root: string, model: WeightHolder, state: TrainingState, optimizer?: tf.Optimizer, keep = 3): Promise<string> {
  const dir = join(root, `${STEP_PREFIX}${String(state.step).padStart(9, '0')}`);
  const weights = await tf.io.encodeWeights(model.getWeights().map((tensor, i) => ({ name: `w${i}`, tensor })));
  const slots = optimizer ? await tf.io.encodeWeights(await optimizer.getWeights()) : undefined;
  await writeAtomically(dir, {
    [STATE_JSON]: JSON.stringify({ ...state, weightSpecs: weights.specs, optimizerSpecs: slots?.specs ?? null }),
    [WEIGHTS_BIN]: new Uint8Array(tf.io.CompositeArrayBuffer.join(weights.data)),
    'optimizer.bin': new Uint8Array(slots ? tf.io.CompositeArrayBuffer.join(slots.data) : new ArrayBuffer(0)),
  });
  const all = await listCheckpoints(root);
  await Promise.all(all.slice(0, Math.max(0, all.length - keep)).map((old) => rm(old, { recursive: true, force: true })));
  return dir;
}

/** Newest `step-<n>` folder under root, or undefined when there is none. */
export async function latestCheckpoint(root: string): Promise<string | undefined> {
  return (await listCheckpoints(root)).pop();
}

/** Load weights (and optimizer slots) from a checkpoint folder into an already built model. */
export async function restoreCheckpoint(dir: string, model: WeightHolder, optimizer?: tf.Optimizer): Promise<TrainingState> {
  const { weightSpecs, optimizerSpecs, ...state } = JSON.parse(await readFile(join(dir, STATE_JSON), 'utf8')) as TrainingState & {
    weightSpecs: tf.io.WeightsManifestEntry[]; optimizerSpecs: tf.io.WeightsManifestEntry[] | null;
  };
  const decoded = tf.io.decodeWeights(bufferOf(await readFile(join(dir, WEIGHTS_BIN))), weightSpecs);
  const current = model.getWeights();
  const restored = weightSpecs.map((spec) => decoded[spec.name]!);
  if (restored.length !== current.length || restored.some((t, i) => !tf.util.arraysEqual(t.shape, current[i]!.shape))) {
    tf.dispose(restored);
    throw new Error(`checkpoint ${dir} does not match the model: shapes ${JSON.stringify(weightSpecs.map((s) => s.shape))} vs ${JSON.stringify(current.map((t) => t.shape))}`);
  }
  model.setWeights(restored);
  tf.dispose(restored);
  if (optimizer && optimizerSpecs) {
    const slots = tf.io.decodeWeights(bufferOf(await readFile(join(dir, 'optimizer.bin'))), optimizerSpecs);
    await optimizer.setWeights(optimizerSpecs.map((spec) => ({ name: spec.name, tensor: slots[spec.name]! })));
  }
  return state;
}

async function listCheckpoints(root: string): Promise<string[]> {
  const names = await readdir(root).catch(() => [] as string[]);
  return names.filter((n) => /^step-\d+$/.test(n)).sort().map((n) => join(root, n));
}

function bufferOf(b: Buffer): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/** Write files into a sibling temp folder, then swap it in, so a crash never leaves half a checkpoint. */
async function writeAtomically(dir: string, files: Record<string, string | Uint8Array>): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(tmp, { recursive: true });
  for (const [name, content] of Object.entries(files)) await writeFile(join(tmp, name), content);
  const old = `${dir}.old-${process.pid}-${Date.now()}`;
  await rename(dir, old).catch(() => undefined);
  await rename(tmp, dir);
  await rm(old, { recursive: true, force: true });
}

// ---- int8 weight encoding ----

function encodeInt8(specs: tf.io.WeightsManifestEntry[], data: ArrayBuffer): { bytes: Uint8Array; storedSpecs: StoredWeightSpec[] } {
  const chunks: Uint8Array[] = [];
  const storedSpecs: StoredWeightSpec[] = [];
  let offset = 0;
  for (const spec of specs) {
    const size = spec.shape.reduce((p, d) => p * d, 1);
    const bytes = size * 4; // float32 and int32 are 4 bytes; tfjs layers save nothing else
    if (isQuantizable(spec.shape, spec.dtype)) {
      const q = quantizeInt8(new Float32Array(data.slice(offset, offset + bytes)), spec.shape);
      const padded = new Uint8Array(Math.ceil(size / 4) * 4); // keep the scales 4-byte aligned
      padded.set(new Uint8Array(q.values.buffer));
      chunks.push(padded, new Uint8Array(q.scales.buffer));
      storedSpecs.push({ ...spec, int8PerChannel: true });
    } else {
      chunks.push(new Uint8Array(data.slice(offset, offset + bytes)));
      storedSpecs.push(spec);
    }
    offset += bytes;
  }
  return { bytes: Buffer.concat(chunks), storedSpecs };
}

function decodeInt8(stored: StoredWeightSpec[], bytes: Uint8Array): { weightSpecs: tf.io.WeightsManifestEntry[]; weightData: ArrayBuffer } {
  if (!stored.some((s) => s.int8PerChannel)) return { weightSpecs: stored, weightData: bytes.slice().buffer };
  const out: Uint8Array[] = [];
  let offset = 0;
  for (const spec of stored) {
    const size = spec.shape.reduce((p, d) => p * d, 1);
    if (spec.int8PerChannel) {
      const channels = spec.shape[spec.shape.length - 1]!;
      const values = new Int8Array(bytes.slice(offset, offset + size).buffer);
      offset += Math.ceil(size / 4) * 4;
      const scales = new Float32Array(bytes.slice(offset, offset + channels * 4).buffer);
      offset += channels * 4;
      out.push(new Uint8Array(dequantizeInt8({ values, scales, shape: spec.shape }).buffer));
    } else {
      out.push(bytes.slice(offset, offset + size * 4));
      offset += size * 4;
    }
  }
  const weightSpecs = stored.map(({ int8PerChannel: _q, ...spec }) => spec);
  return { weightSpecs, weightData: new Uint8Array(Buffer.concat(out)).buffer };
}
