// RNN-Transducer loss (Graves 2012, "Sequence Transduction with Recurrent Neural Networks", eqs. 16–22):
// cost = −ln P(y|x), computed by the forward (α) and backward (β) recursions over the T × (U+1) lattice in
// log space, in float64 on the CPU. The gradient is not autodiff through the lattice (a T·U-op graph); it is
// read off α and β directly (eq. 20): for the log-probability of each transition out of node (t, u),
//   ∂cost/∂lp(t,u,k) = −exp(α(t,u) + lp(t,u,k) + β(next) − ln P)   for k ∈ {blank, y_{u+1}}, 0 otherwise,
// and, with the log-softmax fused in, ∂cost/∂z(t,u,k) = ∂cost/∂lp(t,u,k) + softmax(z)(t,u,k)·γ(t,u) with the
// node occupancy γ(t,u) = exp(α(t,u) + β(t,u) − ln P) (the torchaudio / warp-transducer convention).
import { tf } from '../../ml/backend.js';

export interface TransducerBatch {
  /** Target label ids per sequence (never the blank). */
  targets: readonly (readonly number[])[];
  /** Valid encoder frames per sequence (≤ T of the logits). */
  logitLengths: readonly number[];
  /** Blank index in the vocabulary (≥ 0). */
  blank: number;
}

export interface LatticeResult {
  /** −ln P(y|x) per sequence. */
  costs: Float64Array;
  /** ∂(Σ costs)/∂ input, same layout as the input [B][T][U+1][V]. */
  gradients: Float32Array;
}

/**
 * Costs and gradients from log-probabilities laid out [B][T][Umax+1][V]. With `fusedSoftmax`, `logProbs` must be
 * log_softmax(z) and the gradients are with respect to z; otherwise with respect to the log-probs themselves.
 */
export function transducerLattice(
  logProbs: Float32Array,
  shape: readonly [number, number, number, number],
  batch: TransducerBatch,
  fusedSoftmax: boolean,
): LatticeResult {
  const [B, T, U1, V] = shape;
  const costs = new Float64Array(B);
  const gradients = new Float32Array(logProbs.length);
  for (let b = 0; b < B; b++) {
    const labels = batch.targets[b];
    const Tb = batch.logitLengths[b];
    const U = labels.length;
    if (Tb < 1 || Tb > T) throw new RangeError(`logit length ${Tb} of sequence ${b} is outside [1, ${T}]`);
    if (U + 1 > U1) throw new RangeError(`target length ${U} of sequence ${b} exceeds the lattice (${U1 - 1})`);
    const base = b * T * U1 * V;
    const lp = (t: number, u: number, k: number) => logProbs[base + (t * U1 + u) * V + k];
    const alpha = new Float64Array(Tb * (U + 1));
    const beta = new Float64Array(Tb * (U + 1));
    const at = (t: number, u: number) => t * (U + 1) + u;
    for (let t = 0; t < Tb; t++) {
      for (let u = 0; u <= U; u++) {
        if (t === 0 && u === 0) continue;
        const fromBlank = t > 0 ? alpha[at(t - 1, u)] + lp(t - 1, u, batch.blank) : -Infinity;
        const fromLabel = u > 0 ? alpha[at(t, u - 1)] + lp(t, u - 1, labels[u - 1]) : -Infinity;
        alpha[at(t, u)] = logAddExp(fromBlank, fromLabel);
      }
    }
    for (let t = Tb - 1; t >= 0; t--) {
      for (let u = U; u >= 0; u--) {
        if (t === Tb - 1 && u === U) {
          beta[at(t, u)] = lp(t, u, batch.blank);
          continue;
        }
        const viaBlank = t < Tb - 1 ? beta[at(t + 1, u)] + lp(t, u, batch.blank) : -Infinity;
        const viaLabel = u < U ? beta[at(t, u + 1)] + lp(t, u, labels[u]) : -Infinity;
        beta[at(t, u)] = logAddExp(viaBlank, viaLabel);
      }
    }
    const logP = beta[0];
    costs[b] = -logP;
    for (let t = 0; t < Tb; t++) {
      for (let u = 0; u <= U; u++) {
        const a = alpha[at(t, u)];
        const off = base + (t * U1 + u) * V;
        const nextBlank = t < Tb - 1 ? beta[at(t + 1, u)] : u === U ? 0 : -Infinity;
        gradients[off + batch.blank] = -Math.exp(a + lp(t, u, batch.blank) + nextBlank - logP);
        if (u < U) gradients[off + labels[u]] -= Math.exp(a + lp(t, u, labels[u]) + beta[at(t, u + 1)] - logP);
        if (fusedSoftmax) {
          const occupancy = Math.exp(a + beta[at(t, u)] - logP);
          for (let k = 0; k < V; k++) gradients[off + k] += Math.exp(logProbs[off + k]) * occupancy;
        }
      }
    }
  }
  return { costs, gradients };
}

/**
 * Per-sequence RNN-T costs [B] from joint-network logits [B, T, U+1, V] (log-softmax fused inside), with a
 * custom gradient from the lattice so training never differentiates through the recursion.
 */
export function rnntLoss(logits: tf.Tensor4D, batch: TransducerBatch): tf.Tensor1D {
  const shape = logits.shape;
  const lossFn = tf.customGrad(((z: tf.Tensor, save: tf.GradSaveFunc) => {
    const logProbs = tf.logSoftmax(z);
    const { costs, gradients } = transducerLattice(logProbs.dataSync() as Float32Array, shape, batch, true);
    logProbs.dispose();
    save([tf.tensor4d(gradients, shape)]);
    return {
      value: tf.tensor1d(Float32Array.from(costs)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => saved[0].mul(dy.reshape([shape[0], 1, 1, 1])),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return lossFn(logits) as tf.Tensor1D;
}

function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}
