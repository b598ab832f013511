import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { ACTIVATIONS, compile, forward, forwardWeights, NodeMemo, topologicalOrder, type Genome } from './genome.js';
import { accuracy, batchOf, deskew, ensembleScores, logLikelihood, mnistAccuracies, mnistScores, mnistTask, SIDE, votesLogLikelihood, type DigitStore } from './mnist16.js';
import { Innovations, mutate } from './mutation.js';
import { serialEvaluator, workerEvaluator } from './population-evaluator.js';
import { seededRandom, type Rng } from './random.js';
import { minimalGenome, searchWann, SHARED_WEIGHTS, type SearchOptions } from './search.js';
import type { TaskSource } from './task-source.js';

// Reference definitions, written independently of `activate`'s loops.
const REFERENCE: Record<(typeof ACTIVATIONS)[number], (x: number) => number> = {
  linear: (x) => x, step: (x) => (x > 0 ? 1 : 0), sin: (x) => Math.sin(Math.PI * x), cos: (x) => Math.cos(Math.PI * x),
  gaussian: (x) => Math.exp(-x * x / 2), tanh: Math.tanh, sigmoid: (x) => 1 / (1 + Math.exp(-x)), inverse: (x) => -x,
  abs: Math.abs, relu: (x) => Math.max(0, x),
};

/** Node values by the definition node = act(w · Σ incoming), one example at a time. */
function referenceOutputs(g: Genome, x: number[], w: number): number[] {
  const value = new Map<number, number>();
  const inputs = g.nodes.filter((n) => n.kind === 'input');
  for (const id of topologicalOrder(g)) {
    const node = g.nodes.find((n) => n.id === id)!;
    if (node.kind === 'input') value.set(id, x[inputs.indexOf(node)]);
    else if (node.kind === 'bias') value.set(id, 1);
    else {
      const sum = g.connections.filter((c) => c.enabled && c.to === id).reduce((s, c) => s + value.get(c.from)!, 0);
      value.set(id, REFERENCE[node.activation](w * sum));
    }
  }
  return g.nodes.filter((n) => n.kind === 'output').map((n) => value.get(n.id)!);
}

/** A synthetic 16×16 digit store (SharedArrayBuffer-backed like the real one): class c lights row block c. */
function syntheticStore(n: number, seed: number): DigitStore {
  const rng = seededRandom(seed);
  const pixels = new Float32Array(new SharedArrayBuffer(n * 256 * 4)), labels = new Uint8Array(new SharedArrayBuffer(n));
  for (let i = 0; i < n; i++) {
    labels[i] = Math.floor(rng() * 10);
    for (let p = 0; p < 256; p++) pixels[i * 256 + p] = 0.3 * rng() + (Math.floor(p / 25) === labels[i] ? 0.7 : 0);
  }
  return { pixels, labels, n };
}

const GROW = { insertNode: 1, addConnection: 2, changeActivation: 1 };

/** A random network grown from a minimal one (`rate` of input→output pairs connected) by `steps` mutations. */
function grown(rng: Rng, inputs: number, outputs: number, rate: number, steps: number): { genome: Genome; innovations: Innovations } {
  const task = { inputs, outputs, outputActivation: 'linear' as const, evaluate: () => ({ perWeight: [] }) };
  const innovations = new Innovations(0, inputs + 1 + outputs);
  let genome = minimalGenome(task, rate, rng, innovations);
  for (let i = 0; i < steps; i++) genome = mutate(genome, rng, innovations, GROW);
  return { genome, innovations };
}

describe('wann vectorised evaluation', () => {
  it('forwardWeights matches the per-example definition on randomly grown networks, at every weight', () => {
    const rng = seededRandom(11);
    const { genome: g } = grown(rng, 3, 2, 0.5, 60);
    const examples = Array.from({ length: 7 }, () => [rng() * 2 - 1, rng() * 2 - 1, rng() * 2 - 1]);
    const columns = [0, 1, 2].map((k) => Float64Array.from(examples, (x) => x[k]));
    const plan = compile(g);
    const all = forwardWeights(plan, columns, examples.length, SHARED_WEIGHTS);
    SHARED_WEIGHTS.forEach((w, wi) => {
      const single = forward(plan, columns, examples.length, w);
      examples.forEach((x, b) => referenceOutputs(g, x, w).forEach((v, o) => {
        assert.ok(Math.abs(all[wi][o][b] - v) < 1e-9, `w=${w} example ${b} output ${o}: ${all[wi][o][b]} vs ${v}`);
        assert.equal(single[o][b], all[wi][o][b]);
      }));
    });
  });
});

describe('wann node values shared across networks', () => {
  // A grown parent and twelve children, each one mutation away, as in one generation of a search.
  const rng = seededRandom(21);
  const { genome: parent, innovations } = grown(rng, 5, 3, 0.6, 80);
  const family = [parent, ...Array.from({ length: 12 }, () => mutate(parent, rng, innovations, GROW))];
  const batch = 40;
  const columns = Array.from({ length: 5 }, () => Float64Array.from({ length: batch }, () => rng() * 2 - 1));
  const plain = family.map((g) => forwardWeights(compile(g), columns, batch, SHARED_WEIGHTS));

  it('gives bit-identical outputs with a memo, in any order, and computes each shared node once', () => {
    for (const order of [family.map((_, i) => i), family.map((_, i) => family.length - 1 - i)]) {
      const memo = new NodeMemo();
      for (const i of order) assert.deepEqual(forwardWeights(compile(family[i]), columns, batch, SHARED_WEIGHTS, memo), plain[i]);
      const distinct = new Set(family.flatMap((g) => [...compile(g).key])).size;
      const total = family.reduce((t, g) => t + compile(g).key.length, 0);
      assert.equal(memo.size, distinct);
      assert.ok(distinct < total / 2, `the family shares most nodes: ${distinct} distinct of ${total}`);
    }
  });

  it('stops remembering at its capacity and still gives the same outputs', () => {
    const memo = new NodeMemo(10 * SHARED_WEIGHTS.length * batch);
    family.forEach((g, i) => assert.deepEqual(forwardWeights(compile(g), columns, batch, SHARED_WEIGHTS, memo), plain[i]));
    assert.equal(memo.size, 10);
  });

  it('does not depend on the order a genome lists its nodes and connections', () => {
    const shuffle = <T>(xs: T[]) => xs.map((x) => ({ x, r: rng() })).sort((a, b) => a.r - b.r).map(({ x }) => x);
    const inputs = parent.nodes.filter((n) => n.kind === 'input'), outputs = parent.nodes.filter((n) => n.kind === 'output');
    const others = parent.nodes.filter((n) => n.kind !== 'input' && n.kind !== 'output');
    const shuffled: Genome = { nodes: [...inputs, ...outputs, ...shuffle(others)], connections: shuffle(parent.connections) };
    assert.deepEqual([...compile(shuffled).key].sort(), [...compile(parent).key].sort());
    assert.deepEqual(forwardWeights(compile(shuffled), columns, batch, SHARED_WEIGHTS), plain[0]);
  });

  it('keys a node by its activation and what feeds it', () => {
    const keysOf = (g: Genome) => new Set(compile(g).key);
    const changed = changeActivationOf(parent, parent.nodes.find((n) => n.kind === 'output')!.id, 'sin');
    const before = keysOf(parent), after = keysOf(changed);
    assert.equal([...after].filter((k) => !before.has(k)).length, 1, 'only the changed output node gets a new key');
  });

  it('passes a batch larger than one piece through in pieces with identical values', () => {
    const n = 2500, big = Array.from({ length: 5 }, () => Float64Array.from({ length: n }, () => rng() * 2 - 1));
    const plan = compile(parent), whole = forwardWeights(plan, big, n, SHARED_WEIGHTS);
    for (const [lo, hi] of [[0, 700], [700, 1900], [1900, 2500]]) {
      const part = forwardWeights(plan, big.map((x) => x.subarray(lo, hi)), hi - lo, SHARED_WEIGHTS);
      part.forEach((outs, wi) => outs.forEach((o, c) => assert.deepEqual(o, whole[wi][c].slice(lo, hi))));
    }
  });
});

/** The genome with node `id`'s activation replaced. */
const changeActivationOf = (g: Genome, id: number, activation: Genome['nodes'][number]['activation']): Genome =>
  ({ ...g, nodes: g.nodes.map((n) => (n.id === id ? { ...n, activation } : n)) });

describe('wann ensemble over shared weights', () => {
  // 10 inputs, 10 outputs, input c → output c: output_c = w · x_c, so the instance at −w ranks classes backwards.
  const mirror: Genome = {
    nodes: [
      ...Array.from({ length: 10 }, (_, i) => ({ id: i, kind: 'input' as const, activation: 'linear' as const })),
      { id: 10, kind: 'bias', activation: 'linear' },
      ...Array.from({ length: 10 }, (_, c) => ({ id: 11 + c, kind: 'output' as const, activation: 'linear' as const })),
    ],
    connections: Array.from({ length: 10 }, (_, c) => ({ from: c, to: 11 + c, enabled: true, innovation: c })),
  };
  const rng = seededRandom(4);
  const n = 200;
  const labels = Uint8Array.from({ length: n }, () => Math.floor(rng() * 10));
  const pixels = Array.from({ length: 10 }, (_, c) => Float64Array.from(labels, (y) => (c === y ? 3 : rng())));

  it('combines the instances\' softmax votes, so a sign-flipped instance does not cancel the right one', () => {
    const plan = compile(mirror);
    const { perWeight, ensemble } = mnistAccuracies(plan, { pixels, labels, n }, [-1, 1]);
    assert.equal(perWeight[1], 1);
    assert.ok(perWeight[0] < 0.05, `at w = −1 the network picks the smallest input: ${perWeight[0]}`);
    assert.equal(ensemble, 1, 'the confident +1 instance outvotes the diffuse −1 instance');
    // Summing raw outputs over ±w cancels to 0 for every class (summed log-softmax is likewise flat across classes).
    const outputs = forwardWeights(plan, pixels, n, [-1, 1]);
    const rawSum = Array.from({ length: 10 }, (_, c) => outputs[0][c][0] + outputs[1][c][0]);
    assert.ok(rawSum.every((v) => Math.abs(v) < 1e-12));
  });

  it('sums per-instance softmax probabilities', () => {
    const a = [Float64Array.of(2), Float64Array.of(0), Float64Array.of(0)];
    const b = [Float64Array.of(0), Float64Array.of(0), Float64Array.of(1.5)];
    const scores = ensembleScores([a, b], 1).map((s) => s[0]);
    const softmax = (z: number[]) => z.map((v) => Math.exp(v) / z.reduce((t, u) => t + Math.exp(u), 0));
    const expected = softmax([2, 0, 0]).map((p, c) => p + softmax([0, 0, 1.5])[c]);
    scores.forEach((s, c) => assert.ok(Math.abs(s - expected[c]) < 1e-12));
    assert.equal(accuracy(ensembleScores([a, b], 1), Uint8Array.of(0)), 1);
  });
});

describe('wann parallel evaluation', () => {
  const options = (population: number, generations: number): SearchOptions => ({
    population, generations, weights: SHARED_WEIGHTS, initialConnectionRate: 0.05,
    rates: { insertNode: 1, addConnection: 3, changeActivation: 1 }, connectionObjectiveProbability: 0.8, secondObjective: 'ensemble',
    elite: 2, tournament: 3, finalists: 4, speciesThreshold: 1, targetSpecies: 3, compatibility: { connectionCoefficient: 1, activationCoefficient: 0.5 }, seed: 5,
  });

  it('worker threads and the serial evaluator give identical scores and identical searches', async () => {
    const train = syntheticStore(300, 2);
    const source: TaskSource = { kind: 'mnist16', train, batch: 100, seed: 3 };
    const task = mnistTask(train, 100, 3);
    const parallel = workerEvaluator(source, 2);
    try {
      const rng = seededRandom(8), innovations = new Innovations(0, 267);
      const genomes = Array.from({ length: 9 }, () => minimalGenome(task, 0.05, rng, innovations));
      assert.deepEqual(await parallel.evaluate(genomes, SHARED_WEIGHTS, 4), await serialEvaluator(task).evaluate(genomes, SHARED_WEIGHTS, 4));
      const serialRun = await searchWann(task, options(12, 4));
      const parallelRun = await searchWann(task, options(12, 4), { evaluator: parallel });
      assert.deepEqual(parallelRun.history, serialRun.history);
      assert.deepEqual(parallelRun.champion, serialRun.champion);
      assert.ok(serialRun.history.at(-1)!.bestMean > 0.15, 'the search learns the synthetic classes above chance');
    } finally {
      await parallel.close();
    }
  });

  it('a failing worker rejects the evaluation with the worker\'s message', async () => {
    const parallel = workerEvaluator({ kind: 'swingup', trials: 1, steps: 5, seed: 1 }, 1);
    try {
      const broken = { nodes: [], connections: [{ from: 0, to: 1, enabled: true, innovation: 0 }] } as Genome;
      await assert.rejects(parallel.evaluate([broken], [1], 0), /evaluation worker/);
    } finally {
      await parallel.close();
    }
  });
});

describe('wann MNIST log-likelihood', () => {
  const labels = Uint8Array.from([0, 1]);
  it('is the mean log-softmax of the label, chance for non-finite outputs', () => {
    // Example 0: outputs (ln 3, 0) → p(label 0) = 3/4; example 1: (NaN, 0) → chance, ln ½.
    const outputs = [Float64Array.from([Math.log(3), NaN]), Float64Array.from([0, 0])];
    assert.ok(Math.abs(logLikelihood(outputs, labels) - (Math.log(3 / 4) + Math.log(1 / 2)) / 2) < 1e-12);
    assert.equal(logLikelihood([Float64Array.from([5e3, 0]), Float64Array.from([0, 5e3])], labels), 0);
  });
  it('normalises the ensemble\'s summed votes, floored at 1e-12', () => {
    const votes = [Float64Array.from([1.5, 0]), Float64Array.from([0.5, 0])];
    assert.ok(Math.abs(votesLogLikelihood(votes, labels) - (Math.log(0.75) + Math.log(0.5)) / 2) < 1e-12);
    assert.ok(Math.abs(votesLogLikelihood([Float64Array.from([0, 2]), Float64Array.from([2, 0])], labels) - Math.log(1e-12)) < 1e-9);
  });
});

describe('wann MNIST minibatches', () => {
  it('draws the same batch for a generation in every task instance (workers rebuild the task)', () => {
    const train = syntheticStore(500, 1);
    const a = mnistTask(train, 50, 9), b = mnistTask(train, 50, 9);
    const g = minimalGenome(a, 0.1, seededRandom(2), new Innovations(0, 267));
    const plan = compile(g);
    const performance = a.evaluate(plan, SHARED_WEIGHTS, 3);
    assert.deepEqual(performance, b.evaluate(plan, SHARED_WEIGHTS, 3));
    // …and scores it as mnistAccuracies would on that batch: every weight, and the ensemble over them.
    const rng = seededRandom(9 * 7919 + 3);
    const batch = batchOf(train, Array.from({ length: 50 }, () => Math.floor(rng() * train.n)));
    const { perWeight, ensemble } = mnistAccuracies(plan, batch, SHARED_WEIGHTS);
    assert.deepEqual(performance, { perWeight, ensemble });
    // With the log-likelihood fitness it scores the same outputs by the label's log-probability instead.
    const likelihood = mnistTask(train, 50, 9, 'logLikelihood').evaluate(plan, SHARED_WEIGHTS, 3);
    assert.deepEqual(likelihood, mnistScores(forwardWeights(plan, batch.pixels, batch.n, SHARED_WEIGHTS), batch.labels, 'logLikelihood'));
    assert.ok(likelihood.perWeight.every((l) => l < 0) && likelihood.ensemble! < 0);
    // ensembleLikelihood: accuracy at each weight, the ensemble's log-likelihood.
    assert.deepEqual(mnistTask(train, 50, 9, 'ensembleLikelihood').evaluate(plan, SHARED_WEIGHTS, 3), { perWeight, ensemble: likelihood.ensemble });
    const whole = batchOf(train, [0, 1, 2]);
    assert.deepEqual([...whole.labels], [train.labels[0], train.labels[1], train.labels[2]]);
    assert.equal(whole.pixels[17][2], train.pixels[2 * 256 + 17]);
  });
});

describe('wann MNIST deskewing', () => {
  /** An image with one pixel lit per row at column x0 + slope·y, and its second central moment μ11. */
  const stroke = (x0: number, slope: number) => {
    const img = new Float32Array(SIDE * SIDE);
    for (let y = 2; y < SIDE - 2; y++) img[y * SIDE + Math.round(x0 + slope * y)] = 1;
    return img;
  };
  const moments = (img: Float32Array) => {
    let m = 0, mx = 0, my = 0;
    img.forEach((v, i) => { m += v; mx += (i % SIDE) * v; my += Math.floor(i / SIDE) * v; });
    let mu11 = 0;
    img.forEach((v, i) => (mu11 += ((i % SIDE) - mx / m) * (Math.floor(i / SIDE) - my / m) * v));
    return { mass: m, mu11 };
  };

  it('stands a slanted stroke upright and keeps its ink', () => {
    for (const slope of [0.4, -0.3]) {
      const img = stroke(slope > 0 ? 3 : 12, slope);
      const before = moments(img);
      deskew(img, 0);
      const after = moments(img);
      assert.ok(Math.abs(before.mu11) > 5, `the test stroke is slanted (μ11 ${before.mu11})`);
      assert.ok(Math.abs(after.mu11) < 0.1 * Math.abs(before.mu11), `μ11 ${before.mu11} → ${after.mu11}`);
      assert.ok(Math.abs(after.mass - before.mass) < 0.5, `ink ${before.mass} → ${after.mass}`);
    }
  });

  it('leaves an upright stroke, and a blank image, as they are', () => {
    const upright = stroke(7, 0), copy = upright.slice();
    deskew(upright, 0);
    assert.deepEqual([...upright], [...copy]);
    const blank = new Float32Array(SIDE * SIDE);
    deskew(blank, 0);
    assert.ok(blank.every((v) => v === 0));
  });

  it('works on one image inside a store, leaving its neighbours alone', () => {
    const store = new Float32Array(3 * SIDE * SIDE);
    store.set(stroke(3, 0.4), SIDE * SIDE);
    store.set(stroke(3, 0.4), 2 * SIDE * SIDE);
    deskew(store, SIDE * SIDE);
    assert.ok(Math.abs(moments(store.slice(SIDE * SIDE, 2 * SIDE * SIDE)).mu11) < 1);
    assert.deepEqual([...store.slice(2 * SIDE * SIDE)], [...stroke(3, 0.4)]);
    assert.ok(store.slice(0, SIDE * SIDE).every((v) => v === 0));
  });
});
