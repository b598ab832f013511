// NumPy .npz reader: a zip (stored or deflated members, read through the central directory) of .npy arrays
// (format 1.0–3.0 headers; uint8, int/uint/float 16–64 little-endian, C order).
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

export interface NpyArray {
  shape: number[];
  dtype: string;
  data: ArrayLike<number>;
}

const TYPED: Record<string, (b: Buffer) => ArrayLike<number>> = {
  '|u1': (b) => new Uint8Array(b),
  '<u1': (b) => new Uint8Array(b),
  '|i1': (b) => new Int8Array(b),
  '<i2': (b) => new Int16Array(b.buffer, b.byteOffset, b.length / 2),
  '<u2': (b) => new Uint16Array(b.buffer, b.byteOffset, b.length / 2),
  '<i4': (b) => new Int32Array(b.buffer, b.byteOffset, b.length / 4),
  '<u4': (b) => new Uint32Array(b.buffer, b.byteOffset, b.length / 4),
  '<f4': (b) => new Float32Array(b.buffer, b.byteOffset, b.length / 4),
  '<f8': (b) => new Float64Array(b.buffer, b.byteOffset, b.length / 8),
  '<i8': (b) => Float64Array.from(new BigInt64Array(b.buffer, b.byteOffset, b.length / 8), Number),
  '<u8': (b) => Float64Array.from(new BigUint64Array(b.buffer, b.byteOffset, b.length / 8), Number),
};

export function parseNpy(buf: Buffer, name = 'array'): NpyArray {
  if (buf.readUInt32BE(0) !== 0x934e554d || buf[4] !== 0x50) throw new Error(`${name}: not a .npy array`);
  const major = buf[6];
  const headerLength = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.subarray(start, start + headerLength).toString('latin1');
  const dtype = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shape = (/'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '').split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${name}: Fortran order is not supported`);
  if (!dtype || !TYPED[dtype]) throw new Error(`${name}: unsupported dtype ${dtype}`);
  const count = shape.reduce((a, b) => a * b, 1);
  const body = Buffer.from(buf.subarray(start + headerLength)); // copy: typed views need an aligned offset
  const data = TYPED[dtype](body);
  if (data.length !== count) throw new Error(`${name}: ${data.length} values for shape (${shape.join(', ')})`);
  return { shape, dtype, data };
}

/** Every array of an .npz file by name (without `.npy`). */
export function readNpz(path: string): Map<string, NpyArray> {
  const zip = readFileSync(path);
  let eocd = zip.length - 22;
  while (eocd >= 0 && zip.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error(`${path}: not a zip file`);
  const entries = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const out = new Map<string, NpyArray>();
  for (let i = 0; i < entries; i++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error(`${path}: bad central directory`);
    const method = zip.readUInt16LE(p + 10), compressed = zip.readUInt32LE(p + 20);
    const nameLength = zip.readUInt16LE(p + 28), extraLength = zip.readUInt16LE(p + 30), commentLength = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const name = zip.subarray(p + 46, p + 46 + nameLength).toString('utf8');
    if (compressed === 0xffffffff || local === 0xffffffff) throw new Error(`${path}: zip64 members are not supported (${name})`);
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(dataStart, dataStart + compressed);
    if (method !== 0 && method !== 8) throw new Error(`${path}: ${name} uses compression method ${method}`);
    out.set(name.replace(/\.npy$/, ''), parseNpy(method === 8 ? inflateRawSync(raw) : raw, name));
    p += 46 + nameLength + extraLength + commentLength;
  }
  return out;
}
