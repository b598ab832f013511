// FLOPs, parameters and MorphNet's per-neuron incremental cost (Gordon et al. 2018, §3.1–3.2).
// A conv/dense layer L costs coef_L · A_in(L) · A_out(L), where A are the alive channels entering and
// leaving it and coef_L depends on the target: FLOPs k²·H_out·W_out (the paper counts multiply-accumulates:
// a 2-input, 3-output dense layer is 6), size k² (weights), latency the measured time per channel pair.
// A neuron's cost is therefore not fixed: removing an output channel of L also cheapens every layer that
// reads L. Other layers' costs do not depend on the pruned widths the paper's way and are not counted.
import { aliveChannels, type ChannelGroups } from './channel-groups.js';
import type { Graph, LayerSpec } from './network.js';

export const TARGETS = ['flops', 'size', 'latency'] as const;
export type Target = (typeof TARGETS)[number];

export interface LayerCostRow {
  name: string;
  kind: LayerSpec['kind'];
  outputShape: number[];
  width: number;
  /** Multiply-accumulates per example. */
  flops: number;
  /** Trainable parameters: weights, biases, BN scales and offsets. */
  params: number;
  /** Measured forward time per example (µs); 0 when not measured. */
  latencyUs: number;
}

/** Per-layer coefficient of A_in·A_out for a target. Latency needs measured per-layer times. */
export type Coefficients = Map<string, number>;

export function coefficients(graph: Graph, target: Target, latencyUs?: Map<string, number>): Coefficients {
  const coef: Coefficients = new Map();
  for (const layer of graph.net.layers) {
    if (layer.kind !== 'conv' && layer.kind !== 'dense') continue;
    const inShape = graph.shapes.get(layer.inputs[0])!;
    const outShape = graph.shapes.get(layer.name)!;
    // A dense layer reads every spatial position of a flattened input: that many weights per channel pair.
    const perPair = layer.kind === 'conv' ? layer.kernelSize ** 2 : inShape.spatial ? inShape.spatial[0] * inShape.spatial[1] : 1;
    if (target === 'size') coef.set(layer.name, perPair);
    else if (target === 'flops') coef.set(layer.name, layer.kind === 'conv' ? perPair * outShape.spatial![0] * outShape.spatial![1] : perPair);
    else {
      const t = latencyUs?.get(layer.name);
      if (t === undefined) throw new Error(`latency target needs a measured time for layer "${layer.name}"`);
      // Latency taken as bilinear in the channel counts, like FLOPs, with a measured constant.
      coef.set(layer.name, t / (inShape.channels * outShape.channels));
    }
  }
  return coef;
}

/**
 * Cost in target units of the network with `alive[g]` channels alive in group g. Coefficients depend on
 * kernels and spatial sizes, not widths, so those of a seed network also price its shrunk/expanded forms.
 */
export function totalCost(graph: Graph, groups: ChannelGroups, coef: Coefficients, alive: number[] = groups.sizes): number {
  let total = 0;
  for (const layer of graph.net.layers) {
    const c = coef.get(layer.name);
    if (c === undefined) continue;
    total += c * aliveChannels(groups.layout.get(layer.inputs[0])!, alive) * alive[groups.groupOf.get(layer.name)!];
  }
  return total;
}

/**
 * Incremental cost of one neuron of each group: how much the total falls when one more of its channels
 * dies (paper Eq. 4: the layer's own A_in plus, for every consumer, that consumer's A_out). Fixed
 * groups (input, logits) and fully dead groups cost 0.
 */
export function neuronCosts(graph: Graph, groups: ChannelGroups, coef: Coefficients, alive: number[] = groups.sizes): number[] {
  const base = totalCost(graph, groups, coef, alive);
  return alive.map((a, g) => {
    if (groups.fixed[g] || a === 0) return 0;
    const fewer = alive.slice();
    fewer[g] = a - 1;
    return base - totalCost(graph, groups, coef, fewer);
  });
}

/** FLOPs and parameters of every layer at its declared widths. */
export function layerCosts(graph: Graph, groups: ChannelGroups): LayerCostRow[] {
  const flopCoef = coefficients(graph, 'flops');
  const sizeCoef = coefficients(graph, 'size');
  return graph.net.layers.map((layer) => {
    const shape = graph.shapes.get(layer.name)!;
    const inChannels = aliveChannels(groups.layout.get(layer.inputs[0])!, groups.sizes);
    let flops = 0;
    let params = 0;
    if (layer.kind === 'conv' || layer.kind === 'dense') {
      flops = flopCoef.get(layer.name)! * inChannels * shape.channels;
      params = sizeCoef.get(layer.name)! * inChannels * shape.channels + shape.channels;
    } else if (layer.kind === 'batch_norm') {
      params = 2 * shape.channels;
    }
    return {
      name: layer.name,
      kind: layer.kind,
      outputShape: shape.spatial ? [...shape.spatial, shape.channels] : [shape.channels],
      width: shape.channels,
      flops,
      params,
      latencyUs: 0,
    };
  });
}
