// Analytic NNGP / NTK kernels of an architecture (Lee et al. 2018; Jacot et al. 2018; Novak et al. 2020),
// computed in float64 over blocks of input pairs so that N×N kernels with large N fit a memory limit.
import { entries, inputKernel, gather, windowGather, collapseGather, affine, activation, layerNorm, fanIn, type Inputs, type KernelBlock } from './kernel-block.js';
import { ArchitectureError, describe, inferFlow, needsFullSpatial, type Architecture, type Layer, type Shape } from './architecture.js';

export interface KernelKinds {
  nngp: boolean;
  ntk: boolean;
}

/** The kernel would not fit the memory limit: RESOURCE_EXHAUSTED. */
export class KernelTooLargeError extends Error {}

export interface KernelPlan {
  /** Whether the full spatial covariance is tracked (AvgPool / GlobalAvgPool on images). */
  full: boolean;
  /** Working memory per input pair, bytes. */
  bytesPerPair: number;
  /** Rows and columns per block. */
  blockSize: number;
  rowBlocks: number;
  colBlocks: number;
  /** Blocks actually computed (the upper triangle when x2 is x1). */
  blocksTotal: number;
}

export interface KernelLimits {
  /** Working memory of one block plus (for whole-matrix results) the result, bytes. */
  memoryLimitBytes: number;
  /** Requested rows/columns per block; 0 = the largest that fits, at most 512. */
  blockSize?: number;
}

export function inputShape(x: Inputs): Shape {
  return { h: x.h, w: x.w, channels: x.channels, image: x.image };
}

/** Validate the architecture on the inputs' shape and size the blocks; throws ArchitectureError / KernelTooLargeError. */
export function planKernel(arch: Architecture, x1: Inputs, x2: Inputs | null, kinds: KernelKinds, limits: KernelLimits): KernelPlan {
  if (x2 && (x2.h !== x1.h || x2.w !== x1.w || x2.channels !== x1.channels)) {
    throw new ArchitectureError('x2', `shape ${describe(inputShape(x2))} differs from x1's ${describe(inputShape(x1))}`);
  }
  const full = needsFullSpatial(arch.root) && inputShape(x1).image;
  let maxEntries = entries(x1.h, x1.w, full), maxFan = 1;
  inferFlow(arch, inputShape(x1), (_layer, _path, flow) => {
    const shapes = 'fan' in flow ? flow.fan.map((f) => f.shape) : [flow.shape];
    maxFan = Math.max(maxFan, shapes.length);
    for (const s of shapes) maxEntries = Math.max(maxEntries, entries(s.h, s.w, full));
  });
  // nngp (+ ntk) per branch alive at once, plus the arrays of the layer being computed.
  const bytesPerPair = 8 * maxEntries * (kinds.ntk ? 2 : 1) * (maxFan + 2);
  const fit = Math.floor(Math.sqrt(limits.memoryLimitBytes / 4 / bytesPerPair));
  if (fit < 1) {
    throw new KernelTooLargeError(
      `one input pair needs ${mb(bytesPerPair)} of working memory (${full ? 'full' : 'diagonal'} spatial covariance of ` +
      `${x1.h}x${x1.w} images), over the ${mb(limits.memoryLimitBytes / 4)} block budget`);
  }
  const n2 = x2 ? x2.n : x1.n;
  // Blocks whose arrays stay ~16 MiB run at memory speed; far larger ones only add page faults and GC.
  const friendly = Math.max(8, Math.floor(Math.sqrt(2 ** 21 / maxEntries)));
  const blockSize = Math.max(1, Math.min(limits.blockSize || Math.min(512, friendly), fit, Math.max(x1.n, n2)));
  const rowBlocks = Math.ceil(x1.n / blockSize), colBlocks = Math.ceil(n2 / blockSize);
  const blocksTotal = x2 ? rowBlocks * colBlocks : (rowBlocks * (rowBlocks + 1)) / 2;
  return { full, bytesPerPair, blockSize, rowBlocks, colBlocks, blocksTotal };
}

export interface KernelTile {
  rowStart: number;
  colStart: number;
  rows: number;
  cols: number;
  nngp: Float64Array | null;
  ntk: Float64Array | null;
  blocksDone: number;
  blocksTotal: number;
}

/**
 * The kernel tile by tile, yielding to the event loop between tiles so a cancelled call stops (`signal`).
 * For x2 = null only the upper triangle of tiles is computed; each off-diagonal tile is also yielded mirrored.
 */
export async function* kernelTiles(
  arch: Architecture, x1: Inputs, x2: Inputs | null, kinds: KernelKinds, plan: KernelPlan, signal?: AbortSignal,
): AsyncGenerator<KernelTile> {
  const b = plan.blockSize, other = x2 ?? x1;
  let done = 0;
  for (let r = 0; r < plan.rowBlocks; r++) {
    for (let c = x2 ? 0 : r; c < plan.colBlocks; c++) {
      await new Promise((resolve) => setImmediate(resolve));
      signal?.throwIfAborted();
      const rows = slice(x1, r * b, b), cols = r === c && !x2 ? rows : slice(other, c * b, b);
      const out = propagate(arch, inputKernel(rows, cols, plan.full, kinds.ntk));
      const tile: KernelTile = {
        rowStart: r * b, colStart: c * b, rows: rows.n, cols: cols.n,
        nngp: kinds.nngp ? out.nngp : null, ntk: kinds.ntk ? (out.ntk ?? new Float64Array(out.nngp.length)) : null, blocksDone: ++done, blocksTotal: plan.blocksTotal,
      };
      yield tile;
      if (!x2 && r !== c) yield mirror(tile);
    }
  }
}

/** The whole N1×N2 kernel(s); the result must fit the memory limit too (else use kernelTiles / StreamKernel). */
export async function computeKernel(
  arch: Architecture, x1: Inputs, x2: Inputs | null, kinds: KernelKinds, limits: KernelLimits, signal?: AbortSignal,
): Promise<{ nngp: Float64Array | null; ntk: Float64Array | null; n1: number; n2: number }> {
  const plan = planKernel(arch, x1, x2, kinds, limits);
  const n1 = x1.n, n2 = x2 ? x2.n : x1.n;
  const resultBytes = 8 * n1 * n2 * (Number(kinds.nngp) + Number(kinds.ntk));
  if (resultBytes > limits.memoryLimitBytes * 0.75) {
    throw new KernelTooLargeError(`the ${n1}x${n2} kernel needs ${mb(resultBytes)}, over 3/4 of the ${mb(limits.memoryLimitBytes)} limit; stream it in blocks`);
  }
  const nngp = kinds.nngp ? new Float64Array(n1 * n2) : null, ntk = kinds.ntk ? new Float64Array(n1 * n2) : null;
  for await (const t of kernelTiles(arch, x1, x2, kinds, plan, signal)) {
    for (let i = 0; i < t.rows; i++) {
      const dst = (t.rowStart + i) * n2 + t.colStart;
      if (nngp) nngp.set(t.nngp!.subarray(i * t.cols, (i + 1) * t.cols), dst);
      if (ntk) ntk.set(t.ntk!.subarray(i * t.cols, (i + 1) * t.cols), dst);
    }
  }
  return { nngp, ntk, n1, n2 };
}

/** Push one block of input pairs through the architecture (shapes already validated by planKernel). */
export function propagate(arch: Architecture, input: KernelBlock): KernelBlock {
  const out = apply(arch.root, input, arch);
  if (Array.isArray(out)) throw new Error('unmerged fan at the output');
  return out;
}

type Value = KernelBlock | KernelBlock[];

function apply(layer: Layer, v: Value, arch: Architecture): Value {
  const one = (): KernelBlock => v as KernelBlock;
  const standard = arch.parameterization === 'standard';
  switch (layer.kind) {
    case 'serial':
      return layer.layers.reduce<Value>((acc, l) => apply(l, acc, arch), v);
    case 'parallel':
      return (v as KernelBlock[]).map((b, i) => apply(layer.branches[i], b, arch) as KernelBlock);
    case 'fanOut':
      return Array.from({ length: layer.count }, one);
    case 'fanInSum':
      return fanIn(v as KernelBlock[], 'sum');
    case 'fanInConcat':
      return fanIn(v as KernelBlock[], 'concat');
    case 'dense':
      return affine(one(), layer.wStd, layer.bStd, standard, one().channels, arch.width);
    case 'conv': {
      const b = one();
      const g = gather(b, windowGather(b, layer.window, layer.strides, layer.padding, false));
      return affine(g, layer.wStd, layer.bStd, standard, b.channels * layer.window[0] * layer.window[1], arch.width);
    }
    case 'avgPool':
      return gather(one(), windowGather(one(), layer.window, layer.strides, layer.padding, true));
    case 'globalAvgPool':
      return gather(one(), collapseGather(one(), 'globalAvgPool'));
    case 'flatten': {
      const b = one();
      return { ...gather(b, collapseGather(b, 'flatten')), channels: b.h * b.w * b.channels };
    }
    case 'identity':
      return v;
    case 'layerNorm':
      return layerNorm(one());
    case 'activation':
      return activation(one(), layer.act);
  }
}

function slice(x: Inputs, start: number, count: number): Inputs {
  const n = Math.min(count, x.n - start), D = x.h * x.w * x.channels;
  return { ...x, n, data: x.data.subarray(start * D, (start + n) * D) };
}

function mirror(t: KernelTile): KernelTile {
  const tr = (m: Float64Array | null) => {
    if (!m) return null;
    const out = new Float64Array(m.length);
    for (let i = 0; i < t.rows; i++) for (let j = 0; j < t.cols; j++) out[j * t.rows + i] = m[i * t.cols + j];
    return out;
  };
  return { ...t, rowStart: t.colStart, colStart: t.rowStart, rows: t.cols, cols: t.rows, nngp: tr(t.nngp), ntk: tr(t.ntk) };
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** k(x_i, x_i) for every input (the diagonal of the N×N kernel, N pairs instead of N²). */
export async function diagonalKernel(arch: Architecture, x: Inputs, kinds: KernelKinds, limits: KernelLimits, signal?: AbortSignal): Promise<{ nngp: Float64Array; ntk: Float64Array }> {
  const plan = planKernel(arch, x, null, kinds, limits);
  const nngp = new Float64Array(x.n), ntk = new Float64Array(x.n);
  for (let i = 0; i < x.n; i++) {
    if (i % 64 === 0) {
      await new Promise((resolve) => setImmediate(resolve));
      signal?.throwIfAborted();
    }
    const xi = slice(x, i, 1), out = propagate(arch, inputKernel(xi, xi, plan.full, kinds.ntk));
    nngp[i] = out.nngp[0];
    ntk[i] = out.ntk?.[0] ?? 0;
  }
  return { nngp, ntk };
}
