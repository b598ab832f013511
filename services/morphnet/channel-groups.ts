// Which channels are one neuron. Every conv/dense layer produces a group of channels; batch norm and
// pooling pass them through; a residual Add ties the channels of its inputs into one group (a summed
// channel is only gone when every addend drops it); Concat lays groups side by side. MorphNet prunes and
// costs per group, which is what keeps shapes consistent across residual and concat joins.
import { INPUT, NetworkError, type Graph, type LayerSpec } from './network.js';

/** A run of `size` channels of one group inside a tensor's channel axis. */
export interface Segment { group: number; size: number }

export interface ChannelGroups {
  /** Channels per group. */
  sizes: number[];
  /** Conv/dense layers producing each group (several when tied by an Add). */
  producers: LayerSpec[][];
  /** Groups whose width may not change: the network input and the logits. */
  fixed: boolean[];
  /** Channel layout of every layer's output (and of `input`). */
  layout: Map<string, Segment[]>;
  /** Group of each conv/dense layer's output. */
  groupOf: Map<string, number>;
}

export function channelGroups(graph: Graph): ChannelGroups {
  const parent: number[] = [];
  const sizes: number[] = [];
  const newGroup = (size: number): number => { parent.push(parent.length); sizes.push(size); return parent.length - 1; };
  const find = (g: number): number => (parent[g] === g ? g : (parent[g] = find(parent[g])));
  const raw = new Map<string, Segment[]>([[INPUT, [{ group: newGroup(graph.net.input.channels), size: graph.net.input.channels }]]]);
  const rawGroupOf = new Map<string, number>();
  for (const layer of graph.net.layers) {
    const first = raw.get(layer.inputs[0])!;
    switch (layer.kind) {
      case 'conv':
      case 'dense': {
        const g = newGroup(layer.kind === 'conv' ? layer.filters : layer.units);
        rawGroupOf.set(layer.name, g);
        raw.set(layer.name, [{ group: g, size: sizes[g] }]);
        break;
      }
      case 'batch_norm':
      case 'pool':
        raw.set(layer.name, first);
        break;
      case 'add':
        // Tie channel i of every addend, segment by segment: the segment boundaries must line up.
        for (const other of layer.inputs.slice(1).map((n) => raw.get(n)!)) tie(first, other, layer.name);
        raw.set(layer.name, first);
        break;
      case 'concat':
        raw.set(layer.name, layer.inputs.flatMap((n) => raw.get(n)!));
        break;
    }
  }
  function tie(a: Segment[], b: Segment[], at: string): void {
    if (a.length !== b.length || a.some((s, i) => s.size !== b[i].size)) {
      throw new NetworkError(at, 'its inputs are built from differently split channel groups (a concat must be added to a concat of the same widths)');
    }
    a.forEach((s, i) => { parent[find(b[i].group)] = find(s.group); });
  }
  // Renumber the union-find roots densely.
  const dense = new Map<number, number>();
  const id = (g: number): number => {
    const root = find(g);
    if (!dense.has(root)) dense.set(root, dense.size);
    return dense.get(root)!;
  };
  const layout = new Map([...raw].map(([name, segs]) => [name, segs.map((s) => ({ group: id(s.group), size: s.size }))]));
  const groupOf = new Map([...rawGroupOf].map(([name, g]) => [name, id(g)]));
  const groupSizes = new Array<number>(dense.size).fill(0);
  for (const segs of layout.values()) for (const s of segs) groupSizes[s.group] = s.size;
  const producers = groupSizes.map((): LayerSpec[] => []);
  for (const layer of graph.net.layers) if (groupOf.has(layer.name)) producers[groupOf.get(layer.name)!].push(layer);
  const fixed = groupSizes.map(() => false);
  for (const s of [...layout.get(INPUT)!, ...layout.get(graph.output.name)!]) fixed[s.group] = true;
  return { sizes: groupSizes, producers, fixed, layout, groupOf };
}

/** Channels of a layout alive under per-group alive counts. */
export function aliveChannels(segments: Segment[], alive: number[]): number {
  return segments.reduce((sum, s) => sum + alive[s.group], 0);
}
