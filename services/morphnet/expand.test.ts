import assert from 'node:assert/strict';
import { channelGroups } from './channel-groups.js';
import { coefficients, totalCost } from './cost-model.js';
import { resnetLike, vggLike } from './example-networks.js';
import { BudgetError, costOfSpec, scaleWidths, solveWidthMultiplier } from './expand.js';
import { checkNetwork, layerWidth, type Graph } from './network.js';

const flopsOf = (seed: Graph) => {
  const coef = coefficients(seed, 'flops');
  return costOfSpec((g) => totalCost(g, channelGroups(g), coef));
};

describe('morphnet width-multiplier expansion', () => {
  it('solves the largest multiplier that fits the budget', () => {
    const shrunk = checkNetwork(vggLike([5, 9, 20, 7], 40));
    const cost = flopsOf(shrunk);
    const budget = cost(vggLike([32, 32, 64, 64], 128));
    const e = solveWidthMultiplier(shrunk, budget, cost);
    assert.ok(e.cost <= budget, `${e.cost} > ${budget}`);
    assert.ok(e.multiplier > 1);
    assert.equal(e.cost, cost(e.net));
    // Tight: a multiplier 1 % larger overshoots the budget.
    assert.ok(cost(scaleWidths(shrunk, channelGroups(shrunk), e.multiplier * 1.01)) > budget);
    // Every prunable width scaled by the same factor; the logits keep their 10 classes.
    assert.equal(layerWidth(e.net.layers.find((l) => l.name === 'conv3')!), Math.round(20 * e.multiplier));
    assert.equal(layerWidth(e.net.layers.at(-1)!), 10);
  });

  it('keeps tied residual widths equal and rejects an impossible budget', () => {
    const graph = checkNetwork(resnetLike(6, 4));
    const cost = flopsOf(graph);
    const e = solveWidthMultiplier(graph, 2 * cost(graph.net), cost);
    const expanded = checkNetwork(e.net);
    assert.equal(expanded.shapes.get('stem')!.channels, expanded.shapes.get('b2_conv2')!.channels);
    assert.throws(() => solveWidthMultiplier(graph, 100, cost), (err: unknown) => err instanceof BudgetError && err.minimum > 100);
  });
});
