import assert from 'node:assert/strict';
import { channelGroups } from './channel-groups.js';
import { coefficients, layerCosts, neuronCosts, totalCost } from './cost-model.js';
import { dense, resnetLike, vggLike, inceptionLike } from './example-networks.js';
import { checkNetwork, type NetworkSpec } from './network.js';

// Gordon et al. 2018, Fig. 2: a layer with 2 inputs and 3 outputs costs 6 multiplications; with one
// output neuron removed, 4 — and the next layer, which read 3 channels, now reads 2.
const paperExample: NetworkSpec = {
  name: 'paper',
  input: { height: 1, width: 1, channels: 2 },
  layers: [dense('hidden', 3), dense('out', 1)],
};

describe('morphnet cost model', () => {
  it('counts the paper example: 6 multiplications, 4 after removing one neuron', () => {
    const graph = checkNetwork(paperExample);
    const groups = channelGroups(graph);
    const rows = layerCosts(graph, groups);
    assert.equal(rows[0].flops, 6);
    assert.equal(rows[1].flops, 3);
    const coef = coefficients(graph, 'flops');
    const hidden = groups.groupOf.get('hidden')!;
    const alive = groups.sizes.slice();
    alive[hidden] = 2;
    assert.equal(totalCost(graph, groups, coef), 9);
    assert.equal(totalCost(graph, groups, coef, alive), 6); // hidden 2·2 = 4, out 2·1 = 2
    // The incremental cost of a hidden neuron: its 2 input multiplications + 1 in the next layer.
    assert.equal(neuronCosts(graph, groups, coef)[hidden], 3);
    // Input and logits are fixed: never priced for removal.
    assert.equal(neuronCosts(graph, groups, coef)[groups.groupOf.get('out')!], 0);
  });

  it('counts conv and dense FLOPs and parameters by hand on a VGG-like net', () => {
    const graph = checkNetwork(vggLike([32, 32, 64, 64], 128));
    const rows = new Map(layerCosts(graph, channelGroups(graph)).map((r) => [r.name, r]));
    assert.equal(rows.get('conv1')!.flops, 3 * 3 * 28 * 28 * 1 * 32);
    assert.equal(rows.get('conv1')!.params, 3 * 3 * 1 * 32 + 32);
    assert.equal(rows.get('conv2')!.flops, 3 * 3 * 28 * 28 * 32 * 32);
    assert.equal(rows.get('conv3')!.flops, 3 * 3 * 14 * 14 * 32 * 64);
    assert.equal(rows.get('bn3')!.params, 2 * 64);
    assert.deepEqual(rows.get('pool2')!.outputShape, [7, 7, 64]);
    assert.equal(rows.get('fc1')!.flops, 7 * 7 * 64 * 128);
    assert.equal(rows.get('fc1')!.params, 7 * 7 * 64 * 128 + 128);
    assert.equal(rows.get('logits')!.flops, 128 * 10);
    // Size target: weights only, so the sum of weight counts.
    const groups = channelGroups(graph);
    const weights = [...rows.values()].filter((r) => r.kind === 'conv' || r.kind === 'dense').reduce((s, r) => s + r.params - r.width, 0);
    assert.equal(totalCost(graph, groups, coefficients(graph, 'size')), weights);
  });

  it('ties residual addends into one channel group and prices a neuron by every layer it touches', () => {
    const graph = checkNetwork(resnetLike(16, 8));
    const groups = channelGroups(graph);
    const trunk = groups.groupOf.get('stem')!;
    assert.equal(groups.groupOf.get('b1_conv2'), trunk);
    assert.equal(groups.groupOf.get('b2_conv2'), trunk);
    assert.deepEqual(groups.producers[trunk].map((l) => l.name), ['stem', 'b1_conv2', 'b2_conv2']);
    const coef = coefficients(graph, 'flops');
    // A trunk channel: its stem weights (9·28·28·1), b1/b2 conv2 weights (9·14·14·8 each), b1/b2 conv1
    // inputs (9·14·14·8 each) and one logit input per class (10).
    const expected = 9 * 784 * 1 + 4 * 9 * 196 * 8 + 10;
    assert.equal(neuronCosts(graph, groups, coef)[trunk], expected);
  });

  it('prices latency bilinearly in the channel counts with the measured per-layer constant', () => {
    const graph = checkNetwork(paperExample);
    const groups = channelGroups(graph);
    const coef = coefficients(graph, 'latency', new Map([['hidden', 12], ['out', 6]]));
    assert.equal(coef.get('hidden'), 12 / (2 * 3));
    assert.equal(totalCost(graph, groups, coef), 18);
    // One hidden neuron less: hidden 2·2·2 = 8 µs, out 2·2·1 = 4 µs.
    assert.equal(neuronCosts(graph, groups, coef)[groups.groupOf.get('hidden')!], 6);
    assert.throws(() => coefficients(graph, 'latency'), /needs a measured time for layer "hidden"/);
  });

  it('lays concat branches side by side', () => {
    const graph = checkNetwork(inceptionLike(16, 8));
    const groups = channelGroups(graph);
    assert.deepEqual(groups.layout.get('mix')!.map((s) => s.size), [8, 8, 8]);
    const head = layerCosts(graph, groups).find((r) => r.name === 'head')!;
    assert.equal(head.flops, 9 * 14 * 14 * 24 * 16);
  });
});
