import assert from 'node:assert/strict';
import { channelGroups } from './channel-groups.js';
import { inceptionLike, resnetLike, vggLike } from './example-networks.js';
import { checkNetwork, layerWidth, type Graph } from './network.js';
import { shrink } from './shrink.js';

const THRESHOLD = 0.01;

/** Gates of 1 everywhere except the listed channels of the listed layers' groups. */
function gatesWith(graph: Graph, dead: Record<string, number[] | 'all'>): number[][] {
  const groups = channelGroups(graph);
  const gates = groups.sizes.map((n, g) => new Array<number>(n).fill(groups.fixed[g] ? Infinity : 1));
  for (const [layer, channels] of Object.entries(dead)) {
    const g = groups.groupOf.get(layer)!;
    const list = channels === 'all' ? gates[g].map((_, c) => c) : channels;
    for (const c of list) gates[g][c] = THRESHOLD * 0.5;
  }
  return gates;
}

const widths = (net: { layers: { name: string }[] }): Record<string, number> =>
  Object.fromEntries(net.layers.flatMap((l) => { const w = layerWidth(l as never); return w === undefined ? [] : [[l.name, w]]; }));

describe('morphnet shrink', () => {
  it('removes exactly the channels at or below the threshold', () => {
    const graph = checkNetwork(vggLike([8, 8, 16, 16], 32));
    const groups = channelGroups(graph);
    const gates = gatesWith(graph, { conv1: [0, 3], conv3: [1, 2, 15], fc1: [31] });
    gates[groups.groupOf.get('conv2')!][5] = THRESHOLD; // at the threshold: dead
    gates[groups.groupOf.get('conv2')!][6] = THRESHOLD * 1.01; // just above: alive
    const result = shrink(graph, groups, gates, THRESHOLD);
    assert.deepEqual(widths(result.net), { conv1: 6, conv2: 7, conv3: 13, conv4: 16, fc1: 31, logits: 10 });
    assert.deepEqual(result.kept[groups.groupOf.get('conv1')!], [1, 2, 4, 5, 6, 7]);
    assert.deepEqual(result.removed, []);
  });

  it('keeps residual addends the same width: a trunk channel lives while any addend keeps it', () => {
    const graph = checkNetwork(resnetLike(16, 8));
    const groups = channelGroups(graph);
    const trunk = groups.groupOf.get('stem')!;
    const gates = gatesWith(graph, { b1_conv1: [0, 1, 2] });
    // Channels 0–3 dead in every addend; channel 4 dead in the stem only (still alive via the blocks).
    for (const c of [0, 1, 2, 3]) gates[trunk][c] = 0;
    const result = shrink(graph, groups, gates, THRESHOLD);
    const w = widths(result.net);
    assert.equal(w.stem, 12);
    assert.equal(w.b1_conv2, 12);
    assert.equal(w.b2_conv2, 12);
    assert.equal(w.b1_conv1, 5);
    checkNetwork(result.net); // shapes agree across both adds
  });

  it('drops a residual branch whose layer reached zero (topology morphing)', () => {
    const graph = checkNetwork(resnetLike(16, 8));
    const result = shrink(graph, channelGroups(graph), gatesWith(graph, { b2_conv1: 'all' }), THRESHOLD);
    assert.deepEqual(result.removed, ['b2_conv1', 'b2_bn1', 'b2_conv2', 'b2_bn2', 'b2_add']);
    const shrunk = checkNetwork(result.net);
    assert.deepEqual(shrunk.net.layers.find((l) => l.name === 'gap')!.inputs, ['b1_add']);
  });

  it('drops dead Inception branches and keeps the concat consistent', () => {
    const graph = checkNetwork(inceptionLike(16, 8));
    const one = shrink(graph, channelGroups(graph), gatesWith(graph, { br5: 'all', br3: [0, 1, 2] }), THRESHOLD);
    assert.deepEqual(one.removed, ['br5', 'br5_bn']);
    const g1 = checkNetwork(one.net);
    assert.deepEqual(g1.net.layers.find((l) => l.name === 'mix')!.inputs, ['br1_bn', 'br3_bn']);
    assert.equal(g1.shapes.get('mix')!.channels, 8 + 5);
    // Two branches dead: the concat is replaced by the one left.
    const two = shrink(graph, channelGroups(graph), gatesWith(graph, { br5: 'all', br1: 'all' }), THRESHOLD);
    assert.deepEqual(two.removed, ['br1', 'br1_bn', 'br5', 'br5_bn', 'mix']);
    assert.deepEqual(checkNetwork(two.net).net.layers.find((l) => l.name === 'head')!.inputs, ['br3_bn']);
  });

  it('keeps the strongest neuron of a layer every path to the logits needs', () => {
    const graph = checkNetwork(vggLike([8, 8, 16, 16], 32));
    const groups = channelGroups(graph);
    const gates = gatesWith(graph, { conv3: 'all' });
    gates[groups.groupOf.get('conv3')!][9] = THRESHOLD * 0.9;
    const result = shrink(graph, groups, gates, THRESHOLD);
    assert.equal(widths(result.net).conv3, 1);
    assert.deepEqual(result.kept[groups.groupOf.get('conv3')!], [9]);
  });
});
