import assert from 'node:assert/strict';
import { initBackend, tf } from '../ml/backend.js';
import { channelGroups } from './channel-groups.js';
import { coefficients, neuronCosts } from './cost-model.js';
import { bn, conv, dense, globalPool } from './example-networks.js';
import { checkNetwork, type NetworkSpec } from './network.js';
import { createModel } from './network-model.js';
import { aliveCounts, gateMagnitudes, groupGates, morphnetRegularizer, proximalStep } from './regularizer.js';

// conv a (BN: gamma-L1) → conv b (no BN: group lasso) → global pool → logits.
const net: NetworkSpec = {
  name: 'reg',
  input: { height: 4, width: 4, channels: 2 },
  layers: [conv('a', 3), bn('a_bn'), conv('b', 2, { activation: 'relu' }), globalPool('gap'), dense('logits', 2)],
};

describe('morphnet regularizer', () => {
  before(async () => { await initBackend(); });

  it('is Σ cost·|γ| with gradient cost·sign(γ) for batch-norm scales', () => {
    const graph = checkNetwork(net);
    const groups = channelGroups(graph);
    const model = createModel(graph, 1);
    model.vars.get('a_bn')!.gamma!.assign(tf.tensor1d([0.5, -2, 0.25]));
    const costs = neuronCosts(graph, groups, coefficients(graph, 'flops'));
    const ga = groups.groupOf.get('a')!;
    const gb = groups.groupOf.get('b')!;
    // Hand check: a neuron of `a` costs 9·16·2 (its inputs) + 9·16·2 (b's multiplications per input).
    assert.equal(costs[ga], 9 * 16 * 2 + 9 * 16 * 2);
    const kernelB = model.vars.get('b')!.kernel!;
    const normsB = Array.from(gateMagnitudes(model, 'b').dataSync());
    const expected = costs[ga] * (0.5 + 2 + 0.25) + costs[gb] * normsB.reduce((s, v) => s + v, 0);
    const value = morphnetRegularizer(model, groups, costs);
    assert.ok(Math.abs(value.dataSync()[0] - expected) < 1e-3 * expected);

    const gamma = model.vars.get('a_bn')!.gamma!;
    const { grads } = tf.variableGrads(() => morphnetRegularizer(model, groups, costs) as tf.Scalar, [gamma, kernelB]);
    assert.deepEqual(Array.from(grads[gamma.name].dataSync()), [costs[ga], -costs[ga], costs[ga]]);
    // Group lasso: d‖W_c‖/dW = W/‖W_c‖ per output channel c, times that channel's cost.
    const w = kernelB.arraySync() as number[][][][];
    const g = grads[kernelB.name].arraySync() as number[][][][];
    for (let i = 0; i < 3; i++) for (let c = 0; c < 2; c++) {
      const want = (costs[gb] * w[0][i][0][c]) / normsB[c];
      assert.ok(Math.abs(g[0][i][0][c] - want) < 1e-4 * Math.abs(costs[gb]), `kernel grad [0,${i},0,${c}]`);
    }
    model.dispose();
  });

  it('counts a channel alive while its gate exceeds the threshold; logits are never pruned', () => {
    const graph = checkNetwork(net);
    const groups = channelGroups(graph);
    const model = createModel(graph, 2);
    model.vars.get('a_bn')!.gamma!.assign(tf.tensor1d([0.5, 0.009, -0.011]));
    const gates = groupGates(model, groups);
    const alive = aliveCounts(gates, 0.01);
    assert.equal(alive[groups.groupOf.get('a')!], 2);
    assert.equal(alive[groups.groupOf.get('logits')!], 2);
    model.dispose();
  });
});

describe('morphnet proximal step', () => {
  before(async () => { await initBackend(); });

  it('soft-thresholds batch-norm scales by step·cost and shrinks no-BN kernels blockwise', () => {
    const graph = checkNetwork(net);
    const groups = channelGroups(graph);
    const model = createModel(graph, 3);
    const costs = groups.sizes.map((_, g) => (g === groups.groupOf.get('a') ? 2 : g === groups.groupOf.get('b') ? 1 : 0));
    model.vars.get('a_bn')!.gamma!.assign(tf.tensor1d([0.5, -0.05, 0.1]));
    const before = Array.from(gateMagnitudes(model, 'b').dataSync());
    const kernelBefore = model.vars.get('b')!.kernel!.arraySync() as number[][][][];
    proximalStep(model, groups, costs, 0.05);
    // a: t = 0.05·2 = 0.1 → 0.5 → 0.4, −0.05 → 0, 0.1 → 0.
    const gamma = Array.from(model.vars.get('a_bn')!.gamma!.dataSync());
    assert.deepEqual(gamma.map((v) => Number(v.toFixed(6))), [0.4, 0, 0]);
    // b: every channel's weight vector keeps its direction and loses 0.05 of its norm.
    const after = Array.from(gateMagnitudes(model, 'b').dataSync());
    after.forEach((v, c) => assert.ok(Math.abs(v - Math.max(before[c] - 0.05, 0)) < 1e-4, `channel ${c}`));
    const kernelAfter = model.vars.get('b')!.kernel!.arraySync() as number[][][][];
    const ratio = kernelAfter[1][1][2][1] / kernelBefore[1][1][2][1];
    assert.ok(Math.abs(ratio - after[1] / before[1]) < 1e-4);
    // A threshold above every gate zeroes them all exactly.
    proximalStep(model, groups, costs, 100);
    assert.ok(Array.from(model.vars.get('b')!.kernel!.dataSync()).every((v) => v === 0));
    assert.ok(Array.from(model.vars.get('a_bn')!.gamma!.dataSync()).every((v) => v === 0));
    model.dispose();
  });
});
