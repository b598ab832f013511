// The kernel of a block of input pairs and the per-layer rules that transform it (neural_tangents'
// `Kernel` and layer `kernel_fn`s). For n1 × n2 inputs it holds
//   nngp[i, j, e], ntk[i, j, e]  — cross covariances of pre-activations (ntk: of the tangent kernel),
//   cov1[i, e], cov2[j, e]       — each input's covariance with itself (neural_tangents' cov1/cov2),
// where e runs over spatial entries. Two layouts, as neural_tangents' `diagonal_spatial`:
//   diagonal: e = p (positions p = y·W + x), enough when the network only ever Flattens its images;
//   full:     e = p·P + p' (P = H·W), needed by AvgPool / GlobalAvgPool which mix positions.
// Neural_tangents' `is_reversed` (a transposed H/W axis order its conv kernels produce) has no counterpart:
// the (p, p') layout here is always in natural order. Vectors are images of 1×1 in either layout.
import { padBefore, outputSize, type Activation, type Padding } from './architecture.js';
import { dualFunction } from './dual-activations.js';

export interface KernelBlock {
  n1: number;
  n2: number;
  h: number;
  w: number;
  full: boolean;
  /** Finite channel count of the activations (inputs: C; after Dense/Conv: the width). */
  channels: number;
  nngp: Float64Array;
  /** Whether the NTK is tracked; `ntk` null while tracked means identically zero (inputs have no parameters). */
  trackNtk: boolean;
  ntk: Float64Array | null;
  cov1: Float64Array;
  cov2: Float64Array;
}

/** Entries per pair (and per input in cov1/cov2). */
export const entries = (h: number, w: number, full: boolean) => (full ? (h * w) ** 2 : h * w);

/** Inputs as rows: n × (h·w·channels) in NHWC order. */
export interface Inputs {
  n: number;
  /** Rank-4 NHWC images (true) or rank-2 vectors (false, h = w = 1). */
  image: boolean;
  h: number;
  w: number;
  channels: number;
  data: Float64Array;
}

/** The input layer's kernel: nngp = x1·x2ᵀ / C per position pair, NTK 0 (kept as null: no N²·E array of zeros). */
export function inputKernel(x1: Inputs, x2: Inputs, full: boolean, withNtk: boolean): KernelBlock {
  const { h, w, channels: C } = x1;
  const block: KernelBlock = {
    n1: x1.n, n2: x2.n, h, w, full, channels: C,
    nngp: crossCovariance(x1, x2, full),
    trackNtk: withNtk,
    ntk: null,
    cov1: selfCovariance(x1, full),
    cov2: x1 === x2 ? selfCovariance(x1, full) : selfCovariance(x2, full),
  };
  return block;
}

function crossCovariance(x1: Inputs, x2: Inputs, full: boolean): Float64Array {
  const P = x1.h * x1.w, C = x1.channels, D = P * C, E = full ? P * P : P;
  if (P === 1) return gram(x1, x2);
  const out = new Float64Array(x1.n * x2.n * E);
  const a = x1.data, b = x2.data;
  for (let i = 0; i < x1.n; i++) {
    for (let j = 0; j < x2.n; j++) {
      const base = (i * x2.n + j) * E;
      for (let p = 0; p < P; p++) {
        const ap = i * D + p * C;
        // Inner products over channels, inlined: with few channels (images) a call per entry would dominate.
        for (let q = full ? 0 : p, qEnd = full ? P : p + 1; q < qEnd; q++) {
          const bq = j * D + q * C;
          let s = 0;
          for (let c = 0; c < C; c++) s += a[ap + c] * b[bq + c];
          out[base + (full ? p * P + q : p)] = s / C;
        }
      }
    }
  }
  return out;
}

/** x1·x2ᵀ / D for vectors, four columns at a time so each x1 element loaded is used four times. */
function gram(x1: Inputs, x2: Inputs): Float64Array {
  const D = x1.channels, n2 = x2.n, out = new Float64Array(x1.n * n2), a = x1.data, b = x2.data;
  for (let i = 0; i < x1.n; i++) {
    const ai = i * D;
    let j = 0;
    for (; j + 4 <= n2; j += 4) {
      const b0 = j * D, b1 = b0 + D, b2 = b1 + D, b3 = b2 + D;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let c = 0; c < D; c++) {
        const v = a[ai + c];
        s0 += v * b[b0 + c];
        s1 += v * b[b1 + c];
        s2 += v * b[b2 + c];
        s3 += v * b[b3 + c];
      }
      out[i * n2 + j] = s0 / D;
      out[i * n2 + j + 1] = s1 / D;
      out[i * n2 + j + 2] = s2 / D;
      out[i * n2 + j + 3] = s3 / D;
    }
    for (; j < n2; j++) {
      let s = 0;
      for (let c = 0; c < D; c++) s += a[ai + c] * b[j * D + c];
      out[i * n2 + j] = s / D;
    }
  }
  return out;
}

function selfCovariance(x: Inputs, full: boolean): Float64Array {
  const P = x.h * x.w, C = x.channels, D = P * C, E = full ? P * P : P;
  const out = new Float64Array(x.n * E);
  for (let i = 0; i < x.n; i++) {
    for (let p = 0; p < P; p++) {
      if (full) for (let q = 0; q < P; q++) out[i * E + p * P + q] = dot(x.data, i * D + p * C, x.data, i * D + q * C, C) / C;
      else out[i * E + p] = dot(x.data, i * D + p * C, x.data, i * D + p * C, C) / C;
    }
  }
  return out;
}

function dot(a: Float64Array, ai: number, b: Float64Array, bi: number, len: number): number {
  let s = 0;
  for (let k = 0; k < len; k++) s += a[ai + k] * b[bi + k];
  return s;
}

/**
 * A linear map of the spatial entries: out[e] = scale · Σ_t in[taps[e·T + t]] (tap −1 = zero padding).
 * Conv, AvgPool, GlobalAvgPool and Flatten are all of this form on covariances.
 */
interface Gather {
  h: number;
  w: number;
  taps: Int32Array;
  T: number;
  scale: number;
}

/** Positions (y, x) → input position index per window offset, or −1 where the window hangs over a SAME edge. */
function windowTaps(size: number, window: number, stride: number, padding: Padding): { out: number; taps: Int32Array } {
  const out = outputSize(size, window, stride, padding), pad = padBefore(size, window, stride, padding);
  const taps = new Int32Array(out * window);
  for (let o = 0; o < out; o++) {
    for (let d = 0; d < window; d++) {
      let at = o * stride + d - pad;
      if (padding === 'circular') at = ((at % size) + size) % size;
      taps[o * window + d] = at >= 0 && at < size ? at : -1;
    }
  }
  return { out, taps };
}

/**
 * Conv with shared weights: each output pair (p, p') averages input pairs at the SAME window offset on both
 * sides (different filter taps are independent weights, so cross-offset terms vanish). AvgPool (`pool`) sums
 * every pair of offsets (o, o') instead, since the pooled values share no weights.
 */
export function windowGather(b: KernelBlock, window: [number, number], strides: [number, number], padding: Padding, pool: boolean): Gather {
  const ty = windowTaps(b.h, window[0], strides[0], padding), tx = windowTaps(b.w, window[1], strides[1], padding);
  const [kh, kw] = window, K = kh * kw, W = b.w, P = b.h * b.w, Po = ty.out * tx.out;
  const pos = (oy: number, ox: number, d: number): number => {
    const y = ty.taps[oy * kh + Math.floor(d / kw)], x = tx.taps[ox * kw + (d % kw)];
    return y < 0 || x < 0 ? -1 : y * W + x;
  };
  if (!b.full) {
    if (pool) throw new Error('AvgPool needs the full spatial layout');
    const taps = new Int32Array(Po * K);
    for (let o = 0; o < Po; o++) for (let d = 0; d < K; d++) taps[o * K + d] = pos(Math.floor(o / tx.out), o % tx.out, d);
    return { h: ty.out, w: tx.out, taps, T: K, scale: 1 / K };
  }
  const T = pool ? K * K : K;
  const taps = new Int32Array(Po * Po * T);
  for (let o = 0; o < Po; o++) {
    const oy = Math.floor(o / tx.out), ox = o % tx.out;
    for (let o2 = 0; o2 < Po; o2++) {
      const oy2 = Math.floor(o2 / tx.out), ox2 = o2 % tx.out, base = (o * Po + o2) * T;
      for (let d = 0; d < K; d++) {
        const p = pos(oy, ox, d);
        if (pool) {
          for (let d2 = 0; d2 < K; d2++) {
            const p2 = pos(oy2, ox2, d2);
            taps[base + d * K + d2] = p < 0 || p2 < 0 ? -1 : p * P + p2;
          }
        } else {
          const p2 = pos(oy2, ox2, d);
          taps[base + d] = p < 0 || p2 < 0 ? -1 : p * P + p2;
        }
      }
    }
  }
  return { h: ty.out, w: tx.out, taps, T, scale: 1 / T };
}

/** GlobalAvgPool: mean over all (p, p'); Flatten: mean over the diagonal p = p' (the flattened vector's kernel). */
export function collapseGather(b: KernelBlock, kind: 'globalAvgPool' | 'flatten'): Gather {
  const P = b.h * b.w;
  if (kind === 'globalAvgPool') {
    if (!b.full) throw new Error('GlobalAvgPool needs the full spatial layout');
    return { h: 1, w: 1, taps: Int32Array.from({ length: P * P }, (_, e) => e), T: P * P, scale: 1 / (P * P) };
  }
  return { h: 1, w: 1, taps: Int32Array.from({ length: P }, (_, p) => (b.full ? p * P + p : p)), T: P, scale: 1 / P };
}

function gatherArray(g: Gather, src: Float64Array, count: number, Ein: number, full: boolean): Float64Array {
  const Eout = entries(g.h, g.w, full);
  const out = new Float64Array(count * Eout);
  const { taps, T, scale } = g;
  for (let c = 0; c < count; c++) {
    const si = c * Ein, oi = c * Eout;
    for (let e = 0; e < Eout; e++) {
      let s = 0;
      for (let t = e * T, end = t + T; t < end; t++) {
        const k = taps[t];
        if (k >= 0) s += src[si + k];
      }
      out[oi + e] = s * scale;
    }
  }
  return out;
}

/** Apply a spatial gather to every array of the block. */
export function gather(b: KernelBlock, g: Gather): KernelBlock {
  const Ein = entries(b.h, b.w, b.full), pairs = b.n1 * b.n2;
  return {
    ...b, h: g.h, w: g.w,
    nngp: gatherArray(g, b.nngp, pairs, Ein, b.full),
    ntk: b.ntk && gatherArray(g, b.ntk, pairs, Ein, b.full),
    cov1: gatherArray(g, b.cov1, b.n1, Ein, b.full),
    cov2: gatherArray(g, b.cov2, b.n2, Ein, b.full),
  };
}

/**
 * Dense / Conv after their spatial gather (`prev` = the kernel before it, for the standard NTK term):
 * NTK parameterization  nngp' = w²·nngp + b²,  ntk' = nngp' + w²·ntk;
 * standard             ntk' = fanIn·nngp_prev + w²·ntk + [b > 0]  (fanIn = channels × window size).
 */
export function affine(g: KernelBlock, wStd: number, bStd: number, standard: boolean, fanIn: number, width: number): KernelBlock {
  const w2 = wStd * wStd, b2 = bStd * bStd;
  const map = (x: Float64Array) => x.map((v) => w2 * v + b2);
  const nngp = map(g.nngp);
  let ntk: Float64Array | null = null;
  if (g.trackNtk) {
    const prev = g.nngp, t = g.ntk, bias = bStd > 0 ? 1 : 0;
    ntk = standard
      ? prev.map((v, e) => fanIn * v + bias + (t ? w2 * t[e] : 0))
      : nngp.map((v, e) => v + (t ? w2 * t[e] : 0));
  }
  return { ...g, channels: width, nngp, ntk, cov1: map(g.cov1), cov2: map(g.cov2) };
}

/** Diagonal index (into one input's cov) of the first and second position of every entry. */
function diagonalIndex(b: KernelBlock): { d1: Int32Array; d2: Int32Array } {
  const P = b.h * b.w, E = entries(b.h, b.w, b.full);
  const d1 = new Int32Array(E), d2 = new Int32Array(E);
  for (let e = 0; e < E; e++) {
    const p1 = b.full ? Math.floor(e / P) : e, p2 = b.full ? e % P : e;
    d1[e] = b.full ? p1 * P + p1 : p1;
    d2[e] = b.full ? p2 * P + p2 : p2;
  }
  return { d1, d2 };
}

/** Elementwise nonlinearity: nngp ← E[φφ], ntk ← ntk · E[φ'φ'], covariances ← E[φφ] with their own variances. */
export function activation(b: KernelBlock, act: Activation): KernelBlock {
  const f = dualFunction(act), out2 = new Float64Array(2);
  const E = entries(b.h, b.w, b.full), { d1, d2 } = diagonalIndex(b);
  const nngp = new Float64Array(b.nngp.length), ntk = b.ntk && new Float64Array(b.ntk.length);
  for (let i = 0; i < b.n1; i++) {
    for (let j = 0; j < b.n2; j++) {
      const base = (i * b.n2 + j) * E;
      for (let e = 0; e < E; e++) {
        f(b.nngp[base + e], b.cov1[i * E + d1[e]], b.cov2[j * E + d2[e]], out2);
        nngp[base + e] = out2[0];
        if (ntk) ntk[base + e] = b.ntk![base + e] * out2[1];
      }
    }
  }
  const self = (cov: Float64Array, n: number) => {
    const out = new Float64Array(cov.length);
    for (let i = 0; i < n; i++) {
      for (let e = 0; e < E; e++) {
        f(cov[i * E + e], cov[i * E + d1[e]], cov[i * E + d2[e]], out2);
        out[i * E + e] = out2[0];
      }
    }
    return out;
  };
  return { ...b, nngp, ntk, cov1: self(b.cov1, b.n1), cov2: self(b.cov2, b.n2) };
}

/** LayerNorm over channels: every covariance divided by the standard deviations at its two positions. */
export function layerNorm(b: KernelBlock): KernelBlock {
  const E = entries(b.h, b.w, b.full), { d1, d2 } = diagonalIndex(b);
  const cross = (x: Float64Array) => {
    const out = new Float64Array(x.length);
    for (let i = 0; i < b.n1; i++) {
      for (let j = 0; j < b.n2; j++) {
        const base = (i * b.n2 + j) * E;
        for (let e = 0; e < E; e++) out[base + e] = x[base + e] / Math.sqrt(b.cov1[i * E + d1[e]] * b.cov2[j * E + d2[e]]);
      }
    }
    return out;
  };
  const self = (cov: Float64Array) => cov.map((v, k) => {
    const i = Math.floor(k / E), e = k % E;
    return v / Math.sqrt(cov[i * E + d1[e]] * cov[i * E + d2[e]]);
  });
  return { ...b, nngp: cross(b.nngp), ntk: b.ntk && cross(b.ntk), cov1: self(b.cov1), cov2: self(b.cov2) };
}

/**
 * FanInSum adds the branches' kernels (valid when at most one branch lacks a fresh affine layer, as in
 * residual blocks: the cross terms have zero mean). FanInConcat along channels averages them weighted by
 * each branch's channel count, as neural_tangents' `_concat_kernels` does.
 */
export function fanIn(blocks: KernelBlock[], kind: 'sum' | 'concat'): KernelBlock {
  const total = blocks.reduce((s, b) => s + b.channels, 0);
  const weights = blocks.map((b) => (kind === 'sum' ? 1 : b.channels / total));
  const combine = (pick: (b: KernelBlock) => Float64Array) => {
    const out = new Float64Array(pick(blocks[0]).length);
    blocks.forEach((b, k) => pick(b).forEach((v, e) => (out[e] += weights[k] * v)));
    return out;
  };
  const first = blocks[0];
  return {
    ...first,
    channels: kind === 'sum' ? first.channels : total,
    nngp: combine((b) => b.nngp),
    ntk: blocks.some((b) => b.ntk) ? combine((b) => b.ntk ?? new Float64Array(b.nngp.length)) : null,
    cov1: combine((b) => b.cov1),
    cov2: combine((b) => b.cov2),
  };
}
