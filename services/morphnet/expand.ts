// MorphNet's "expand" step: scale every prunable width by one multiplier ω (rounded, at least 1) and
// solve for the largest ω whose network fits the budget. Cost is non-decreasing in ω (rounding is
// monotone), so bisection finds it.
import { channelGroups, type ChannelGroups } from './channel-groups.js';
import { checkNetwork, withWidths, type Graph, type NetworkSpec } from './network.js';

export class BudgetError extends Error {
  constructor(readonly budget: number, readonly minimum: number) {
    super(`budget ${budget} is below ${minimum}, the cost of the network with every prunable layer at width 1`);
    this.name = 'BudgetError';
  }
}

/** The network with every prunable (non-fixed) conv/dense width multiplied by `multiplier`. */
export function scaleWidths(graph: Graph, groups: ChannelGroups, multiplier: number): NetworkSpec {
  const widths = new Map<string, number>();
  for (const [name, g] of groups.groupOf) {
    if (!groups.fixed[g]) widths.set(name, Math.max(1, Math.round(groups.sizes[g] * multiplier)));
  }
  return withWidths(graph.net, widths);
}

export interface Expansion { multiplier: number; net: NetworkSpec; cost: number }

/**
 * Largest multiplier whose scaled network costs at most `budget`, by bisection to `tolerance`.
 * `cost` prices a network (any target). Throws BudgetError when even width 1 everywhere is too costly.
 */
export function solveWidthMultiplier(graph: Graph, budget: number, cost: (net: NetworkSpec) => number, tolerance = 1e-3): Expansion {
  const groups = channelGroups(graph);
  const at = (m: number): Expansion => {
    const net = scaleWidths(graph, groups, m);
    return { multiplier: m, net, cost: cost(net) };
  };
  // Below this multiplier every width rounds to 1: the cheapest network the expansion can make.
  const floor = at(1e-9);
  if (floor.cost > budget) throw new BudgetError(budget, floor.cost);
  let lo = floor;
  let hi = 1;
  while (at(hi).cost <= budget) {
    lo = at(hi);
    hi *= 2;
    if (hi > 1e6) return lo; // no prunable layer: cost does not grow
  }
  let loM = lo.multiplier;
  while (hi - loM > tolerance * hi) {
    const mid = (loM + hi) / 2;
    const e = at(mid);
    if (e.cost <= budget) { lo = e; loM = mid; } else hi = mid;
  }
  return lo;
}

/** Convenience: cost of a network spec from a graph-level cost function. */
export function costOfSpec(costOfGraph: (g: Graph) => number): (net: NetworkSpec) => number {
  return (net) => costOfGraph(checkNetwork(net));
}
