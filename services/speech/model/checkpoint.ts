// Saving and loading the transducer: `model.json` (config, feature normalizer, parameter table) beside
// `weights.bin`. Float32 parameters are stored as is; with `int8`, every weight matrix [in, out] is quantized
// per output channel by services/ml/quantize.ts (symmetric, scale = max|w|/127 per column); vectors stay
// float32. Loading dequantizes, so inference runs in float with the quantized weights' values. (Not
// services/ml/checkpoint.ts: that one saves LayersModels; this model is hand-written variables plus its
// feature normalizer, and the service needs both precisions side by side.)
import { mkdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../ml/backend.js';
import { dequantizeInt8, isQuantizable, quantizeInt8 } from '../../ml/quantize.js';
import type { FeatureNormalizer } from '../data/features.js';
import { RnntModel, type RnntConfig } from './rnnt-model.js';

interface ParamEntry {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int8';
  /** Byte offset of the values in weights.bin. */
  offset: number;
  /** For int8: byte offset of the per-column float32 scales. */
  scalesOffset?: number;
}

export interface CheckpointManifest {
  format: 'nnsuite.speech.rnnt/1';
  config: RnntConfig;
  normalizer: FeatureNormalizer;
  params: ParamEntry[];
  /** Free-form training facts (steps, data, time). */
  training?: Record<string, unknown>;
}

export interface LoadedModel {
  model: RnntModel;
  normalizer: FeatureNormalizer;
  manifest: CheckpointManifest;
}

export const MANIFEST_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

export function saveCheckpoint(dir: string, model: RnntModel, normalizer: FeatureNormalizer, options: { int8?: boolean; training?: Record<string, unknown> } = {}): void {
  mkdirSync(dir, { recursive: true });
  const parts: Uint8Array[] = [];
  let offset = 0;
  const append = (bytes: Uint8Array) => {
    const pad = (4 - (offset % 4)) % 4; // keep float32 data 4-byte aligned
    if (pad) { parts.push(new Uint8Array(pad)); offset += pad; }
    parts.push(bytes);
    const at = offset;
    offset += bytes.length;
    return at;
  };
  const params: ParamEntry[] = [];
  for (const [name, v] of model.params) {
    const values = v.dataSync() as Float32Array;
    if (options.int8 && isQuantizable(v.shape, v.dtype)) {
      const { values: q, scales } = quantizeInt8(values, v.shape);
      const at = append(new Uint8Array(q.buffer));
      const scalesOffset = append(new Uint8Array(scales.buffer));
      params.push({ name, shape: v.shape, dtype: 'int8', offset: at, scalesOffset });
    } else {
      params.push({ name, shape: v.shape, dtype: 'float32', offset: append(new Uint8Array(values.slice().buffer)) });
    }
  }
  const manifest: CheckpointManifest = { format: 'nnsuite.speech.rnnt/1', config: model.config, normalizer, params, training: options.training };
  writeFileSync(join(dir, WEIGHTS_FILE), Buffer.concat(parts));
  writeFileSync(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest)}\n`);
}

export function loadCheckpoint(dir: string): LoadedModel {
  const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as CheckpointManifest;
  if (manifest.format !== 'nnsuite.speech.rnnt/1') throw new Error(`${dir}: unknown checkpoint format ${manifest.format}`);
  const bin = readFileSync(join(dir, WEIGHTS_FILE));
  const buffer = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  const model = new RnntModel(manifest.config);
  const values = new Map<string, tf.Tensor>();
  for (const p of manifest.params) {
    const size = p.shape.reduce((a, b) => a * b, 1);
    let data: Float32Array;
    if (p.dtype === 'int8') {
      const channels = p.shape[p.shape.length - 1];
      data = dequantizeInt8({ values: new Int8Array(buffer, p.offset, size), scales: new Float32Array(buffer, p.scalesOffset!, channels), shape: p.shape });
    } else {
      data = new Float32Array(buffer, p.offset, size);
    }
    values.set(p.name, tf.tensor(data, p.shape));
  }
  model.setWeights(values);
  for (const t of values.values()) t.dispose();
  return { model, normalizer: manifest.normalizer, manifest };
}

/** Bytes on disk of a checkpoint folder (manifest + weights). */
export function checkpointBytes(dir: string): number {
  return statSync(join(dir, MANIFEST_FILE)).size + statSync(join(dir, WEIGHTS_FILE)).size;
}
