// Save and load a named set of float32 tensors plus a JSON header (config, vocabulary, metrics): the
// checkpoint format of the retrieval models (header.json + weights.bin, little-endian float32).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../ml/backend.js';

interface Header<T> {
  meta: T;
  tensors: { name: string; shape: number[] }[];
}

export function saveCheckpoint<T>(dir: string, meta: T, tensors: Map<string, tf.Tensor>): void {
  mkdirSync(dir, { recursive: true });
  const header: Header<T> = { meta, tensors: [] };
  const parts: Buffer[] = [];
  for (const [name, t] of tensors) {
    header.tensors.push({ name, shape: t.shape });
    const data = t.dataSync() as Float32Array;
    parts.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }
  // Weights first, header last: a reader never sees a header pointing at missing weights.
  writeFileSync(join(dir, 'weights.bin.tmp'), Buffer.concat(parts));
  renameSync(join(dir, 'weights.bin.tmp'), join(dir, 'weights.bin'));
  writeFileSync(join(dir, 'header.json.tmp'), JSON.stringify(header));
  renameSync(join(dir, 'header.json.tmp'), join(dir, 'header.json'));
}

export function loadCheckpoint<T>(dir: string): { meta: T; tensors: Map<string, tf.Tensor> } {
  const header = JSON.parse(readFileSync(join(dir, 'header.json'), 'utf8')) as Header<T>;
  const bytes = readFileSync(join(dir, 'weights.bin'));
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const tensors = new Map<string, tf.Tensor>();
  let offset = 0;
  for (const { name, shape } of header.tensors) {
    const size = shape.reduce((a, b) => a * b, 1);
    tensors.set(name, tf.tensor(floats.subarray(offset, offset + size), shape));
    offset += size;
  }
  if (offset !== floats.length) throw new Error(`checkpoint ${dir}: weights.bin holds ${floats.length} floats, header names ${offset}`);
  return { meta: header.meta, tensors };
}
