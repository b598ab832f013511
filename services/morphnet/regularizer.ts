// MorphNet's resource-weighted sparsifying regularizer (Gordon et al. 2018, Eq. 2–4):
//   G(θ) = Σ_groups cost(g) · Σ_{channels c of g} |gate_c|
// where cost(g) is the incremental resource cost of one neuron of group g (cost-model.ts, recomputed from
// the current alive counts, treated as a constant in the gradient) and gate_c is the batch-norm scale γ_c
// of the producing layer (gamma-L1), or, for a producer without batch norm, the L2 norm of the weights
// feeding channel c (group lasso). A channel is alive while some producer's |gate_c| exceeds the threshold.
// Training minimizes it by proximal gradient (ISTA): the task loss takes a gradient step, then the gates are
// soft-thresholded by step·λ·cost(g) — the proximal operator of exactly this G — which reaches exact zeros in
// a few hundred steps where a subgradient (or Adam's sign-like steps) would only hover around them.
import type * as tfTypes from '@tensorflow/tfjs';
import { tf } from '../ml/backend.js';
import type { ChannelGroups } from './channel-groups.js';
import type { NetworkModel } from './network-model.js';

type Tensor = tfTypes.Tensor;

/** Keeps the group-lasso norm differentiable at zero. */
const NORM_EPSILON = 1e-8;

/** |gate| per channel of one conv/dense layer: its BN's |γ| or the L2 norm of its incoming weights. */
export function gateMagnitudes(model: NetworkModel, layer: string): Tensor {
  const bn = model.graph.consumers.get(layer)!.find((c) => c.kind === 'batch_norm');
  if (bn) return tf.abs(model.vars.get(bn.name)!.gamma!);
  const kernel = model.vars.get(layer)!.kernel!;
  const axes = kernel.shape.slice(0, -1).map((_, i) => i);
  return tf.sqrt(tf.add(tf.sum(tf.square(kernel), axes), NORM_EPSILON));
}

/** G(θ) for per-group neuron costs; scale it by strength / initial cost before adding to the loss. */
export function morphnetRegularizer(model: NetworkModel, groups: ChannelGroups, neuronCost: number[]): Tensor {
  return tf.tidy(() => {
    const terms: Tensor[] = [];
    groups.producers.forEach((producers, g) => {
      if (groups.fixed[g] || neuronCost[g] === 0) return;
      for (const p of producers) terms.push(tf.mul(tf.sum(gateMagnitudes(model, p.name)), neuronCost[g]));
    });
    return terms.length > 0 ? tf.addN(terms) : tf.scalar(0);
  });
}

/**
 * Proximal step of `scale`·G: γ ← sign(γ)·max(|γ| − t_g, 0) for batch-norm scales and, for producers without
 * batch norm, W_c ← W_c·max(1 − t_g/‖W_c‖, 0) (block soft-thresholding), with t_g = scale·cost(g).
 */
export function proximalStep(model: NetworkModel, groups: ChannelGroups, neuronCost: number[], scale: number): void {
  tf.tidy(() => {
    groups.producers.forEach((producers, g) => {
      if (groups.fixed[g] || neuronCost[g] === 0) return;
      const t = scale * neuronCost[g];
      for (const p of producers) {
        const bn = model.graph.consumers.get(p.name)!.find((c) => c.kind === 'batch_norm');
        if (bn) {
          const gamma = model.vars.get(bn.name)!.gamma!;
          gamma.assign(tf.mul(tf.sign(gamma), tf.relu(tf.sub(tf.abs(gamma), t))));
        } else {
          const kernel = model.vars.get(p.name)!.kernel!;
          kernel.assign(tf.mul(kernel, tf.relu(tf.sub(1, tf.div(t, gateMagnitudes(model, p.name))))));
        }
      }
    });
  });
}

/**
 * Per group and channel, the largest |gate| over the group's producers (fixed groups: Infinity, never
 * pruned). A channel is alive while this exceeds the alive threshold.
 */
export function groupGates(model: NetworkModel, groups: ChannelGroups): number[][] {
  return groups.sizes.map((size, g) => {
    const best = new Array<number>(size).fill(groups.fixed[g] ? Infinity : 0);
    if (groups.fixed[g]) return best;
    for (const p of groups.producers[g]) {
      const t = gateMagnitudes(model, p.name);
      t.dataSync().forEach((v, c) => { best[c] = Math.max(best[c], v); });
      t.dispose();
    }
    return best;
  });
}

export function aliveCounts(gates: number[][], threshold: number): number[] {
  return gates.map((channels) => channels.filter((v) => v > threshold).length);
}
