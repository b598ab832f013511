// A Parrotron checkpoint folder: `model.json` (config, feature normalizers, parameter names and shapes,
// training notes) and `weights.bin` (float32, parameters in manifest order).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../ml/backend.js';
import type { Normalizers } from './parrotron-training.js';
import { ParrotronModel, type ParrotronConfig } from './parrotron-model.js';

export interface ParrotronManifest {
  config: ParrotronConfig;
  normalizers: Normalizers;
  params: { name: string; shape: number[] }[];
  training?: Record<string, unknown>;
}

export interface LoadedParrotron { model: ParrotronModel; normalizers: Normalizers; manifest: ParrotronManifest }

export function saveParrotron(dir: string, model: ParrotronModel, normalizers: Normalizers, training?: Record<string, unknown>): void {
  mkdirSync(dir, { recursive: true });
  const params = [...model.store.vars.entries()].map(([name, v]) => ({ name, shape: v.shape }));
  const blobs = [...model.store.vars.values()].map((v) => v.dataSync() as Float32Array);
  const weights = new Float32Array(blobs.reduce((n, b) => n + b.length, 0));
  let offset = 0;
  for (const b of blobs) { weights.set(b, offset); offset += b.length; }
  const manifest: ParrotronManifest = { config: model.config, normalizers, params, training };
  // Write then rename, so a reader never sees half a checkpoint.
  writeFileSync(join(dir, 'weights.bin.tmp'), Buffer.from(weights.buffer));
  writeFileSync(join(dir, 'model.json.tmp'), JSON.stringify(manifest));
  renameSync(join(dir, 'weights.bin.tmp'), join(dir, 'weights.bin'));
  renameSync(join(dir, 'model.json.tmp'), join(dir, 'model.json'));
}

export function loadParrotron(dir: string): LoadedParrotron {
  const manifest = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as ParrotronManifest;
  const bytes = readFileSync(join(dir, 'weights.bin'));
  const weights = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const model = new ParrotronModel(manifest.config);
  let offset = 0;
  for (const { name, shape } of manifest.params) {
    const v = model.store.vars.get(name);
    if (!v || v.shape.join() !== shape.join()) throw new Error(`${dir}: parameter ${name} [${shape}] does not match the model`);
    const size = shape.reduce((a, b) => a * b, 1);
    v.assign(tf.tensor(weights.subarray(offset, offset + size), shape));
    offset += size;
  }
  if (offset !== weights.length) throw new Error(`${dir}: weights.bin has ${weights.length} values, manifest ${offset}`);
  return { model, normalizers: manifest.normalizers, manifest };
}
