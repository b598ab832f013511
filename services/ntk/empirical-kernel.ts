// Finite-width kernels of sampled networks (neural_tangents' `empirical_kernel_fn` and
// `monte_carlo_kernel_fn`): the Monte-Carlo NNGP  (1/K)·f(x1)·f(x2)ᵀ  and the empirical NTK
// (1/K)·Σ_k J_k(x1)·J_k(x2)ᵀ  (J_k = ∂f_k/∂θ by autodiff, K outputs traced out), averaged over networks.
import * as tf from '@tensorflow/tfjs';
import type { Architecture } from './architecture.js';
import type { KernelKinds } from './analytic-kernel.js';
import type { Inputs } from './kernel-block.js';
import { sampleNetwork, type FiniteNetwork } from './finite-network.js';

export interface EmpiricalOptions {
  width: number;
  samples: number;
  seed: number;
  kinds: KernelKinds;
  /** Most per-example gradient passes (examples × outputs × samples) allowed; past it: EmpiricalTooLargeError. */
  maxGradientPasses?: number;
}

export class EmpiricalTooLargeError extends Error {}

export function toTensor(x: Inputs): tf.Tensor {
  return tf.tensor(Float32Array.from(x.data), x.image ? [x.n, x.h, x.w, x.channels] : [x.n, x.channels]);
}

const exampleShape = (x: Inputs) => (x.image ? [x.h, x.w, x.channels] : [x.channels]);

export async function empiricalKernel(
  arch: Architecture, x1: Inputs, x2: Inputs | null, opts: EmpiricalOptions, signal?: AbortSignal,
): Promise<{ nngp: Float64Array | null; ntk: Float64Array | null; n1: number; n2: number }> {
  const other = x2 ?? x1, n1 = x1.n, n2 = other.n;
  const nngp = opts.kinds.nngp ? new Float64Array(n1 * n2) : null, ntk = opts.kinds.ntk ? new Float64Array(n1 * n2) : null;
  const t1 = toTensor(x1), t2 = x2 ? toTensor(x2) : t1;
  try {
    for (let s = 0; s < opts.samples; s++) {
      await new Promise((resolve) => setImmediate(resolve));
      signal?.throwIfAborted();
      // NNGP: every unit of a final Dense is an independent draw of the same GP, so read out `width` of them;
      // NTK: one output (the kernel is the same for each, and every output costs a gradient pass per example).
      if (nngp) {
        const net = sampleNetwork({ ...arch, width: opts.width }, exampleShape(x1), opts.seed + s, opts.width);
        try {
          accumulate(nngp, await outputs(net, t1), await outputs(net, t2), n1, n2, net.outputs, opts.samples);
        } finally {
          net.dispose();
        }
      }
      if (ntk) {
        const net = sampleNetwork({ ...arch, width: opts.width }, exampleShape(x1), opts.seed + s + 1_000_003, 1);
        try {
          const passes = (n1 + (x2 ? n2 : 0)) * net.outputs * opts.samples, limit = opts.maxGradientPasses ?? 20_000;
          if (passes > limit) {
            throw new EmpiricalTooLargeError(`the empirical NTK needs ${passes} per-example gradient passes (${net.outputs} outputs per example), over the limit of ${limit}`);
          }
          const j1 = await jacobian(net, t1, signal), j2 = x2 ? await jacobian(net, t2, signal) : j1;
          accumulate(ntk, j1.rows, j2.rows, n1, n2, j1.size * net.outputs, opts.samples, net.outputs);
        } finally {
          net.dispose();
        }
      }
    }
  } finally {
    t1.dispose();
    if (t2 !== t1) t2.dispose();
  }
  return { nngp, ntk, n1, n2 };
}

async function outputs(net: FiniteNetwork, x: tf.Tensor): Promise<Float32Array> {
  const y = net.apply(x);
  const data = (await y.data()) as Float32Array;
  y.dispose();
  return data;
}

/** out[i, j] += (a_i · b_j) / (dim/groups · samples): rows of length `dim`, traced over `groups` outputs. */
function accumulate(out: Float64Array, a: Float32Array, b: Float32Array, n1: number, n2: number, dim: number, samples: number, groups = dim): void {
  const scale = 1 / (groups * samples);
  for (let i = 0; i < n1; i++) {
    for (let j = 0; j < n2; j++) {
      let s = 0;
      for (let k = 0, ai = i * dim, bj = j * dim; k < dim; k++) s += a[ai + k] * b[bj + k];
      out[i * n2 + j] += s * scale;
    }
  }
}

/** Rows J[i] = concat over outputs k of ∂f_k(x_i)/∂θ (all parameters flattened), one backward pass each. */
async function jacobian(net: FiniteNetwork, x: tf.Tensor, signal?: AbortSignal): Promise<{ rows: Float32Array; size: number }> {
  const vars = net.params.flatMap((p) => (p.b ? [p.w, p.b] : [p.w]));
  const size = vars.reduce((s, v) => s + v.size, 0), n = x.shape[0]!, K = net.outputs;
  const rows = new Float32Array(n * K * size);
  for (let i = 0; i < n; i++) {
    signal?.throwIfAborted();
    const xi = tf.slice(x, i, 1);
    for (let k = 0; k < K; k++) {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.slice(net.apply(xi), [0, k], [1, 1])) as tf.Scalar, vars);
      let offset = (i * K + k) * size;
      for (const v of vars) {
        const g = grads[v.name];
        rows.set((await g.data()) as Float32Array, offset);
        offset += v.size;
      }
      value.dispose();
      Object.values(grads).forEach((g) => g.dispose());
    }
    xi.dispose();
  }
  return { rows, size };
}
