// Shrinking (MorphNet's "shrink" step) with topology morphing: every conv/dense layer keeps only the
// channels whose gate is above the threshold; a layer left with no channel disappears with everything
// that only carried its output (its BN, pools), and residual-add / concat joins drop that input — a join
// left with one input is replaced by that input. Tied (residual) channels share one mask, so widths stay
// consistent across joins. If that would cut every path to the logits, the strongest dead neurons are
// kept instead.
import type { ChannelGroups } from './channel-groups.js';
import { checkNetwork, withWidths, type Graph, type LayerSpec, type NetworkSpec } from './network.js';

export interface ShrinkResult {
  net: NetworkSpec;
  /** Layers removed whole. */
  removed: string[];
  /** Kept channel indices of each group of the input network. */
  kept: number[][];
}

export function shrink(graph: Graph, groups: ChannelGroups, gates: number[][], threshold: number): ShrinkResult {
  const kept = gates.map((channels) => channels.flatMap((v, c) => (v > threshold ? [c] : [])));
  // If nothing reaches the logits any more, revive the strongest neuron of the strongest dead groups.
  const deadByStrength = kept
    .map((k, g) => ({ g, best: Math.max(...gates[g]) }))
    .filter(({ g }) => kept[g].length === 0)
    .sort((a, b) => b.best - a.best);
  while (emptyOutputs(graph, groups, kept).has(graph.output.name)) {
    const { g } = deadByStrength.shift()!;
    kept[g] = [gates[g].indexOf(Math.max(...gates[g]))];
  }
  const empty = emptyOutputs(graph, groups, kept);
  const alias = new Map<string, string>();
  const resolve = (name: string): string => alias.get(name) ?? name;
  const layers: LayerSpec[] = [];
  const removed: string[] = [];
  for (const layer of graph.net.layers) {
    if (empty.has(layer.name)) { removed.push(layer.name); continue; }
    const inputs = layer.inputs.filter((n) => !empty.has(n)).map(resolve);
    if ((layer.kind === 'add' || layer.kind === 'concat') && inputs.length === 1) {
      // A join with one input left is that input (a residual block whose branch died is the identity).
      alias.set(layer.name, inputs[0]);
      removed.push(layer.name);
      continue;
    }
    layers.push({ ...layer, inputs });
  }
  const widths = new Map([...groups.groupOf].map(([name, g]) => [name, kept[g].length]));
  const net = withWidths({ ...graph.net, layers }, widths);
  checkNetwork(net); // shapes must still agree across every join
  return { net, removed, kept };
}

/**
 * Names of layers whose output has no channel left under `kept`: a conv/dense with no alive neuron, or
 * any layer whose inputs are all empty (a conv reading nothing only emits its bias, a constant the
 * from-scratch retraining does without).
 */
function emptyOutputs(graph: Graph, groups: ChannelGroups, kept: number[][]): Set<string> {
  const empty = new Set<string>();
  for (const layer of graph.net.layers) {
    const dead = groups.groupOf.has(layer.name) && kept[groups.groupOf.get(layer.name)!].length === 0;
    if (dead || layer.inputs.every((n) => empty.has(n))) empty.add(layer.name);
  }
  return empty;
}
