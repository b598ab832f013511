import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { stepCart, swingUpTask } from './cartpole.js';
import { ACTIVATIONS, checkGenome, compile, forward, pack, type Genome } from './genome.js';
import { addConnection, changeActivation, Innovations, insertNode, mutate } from './mutation.js';
import { dominates, paretoFronts, paretoRank } from './pareto.js';
import { seededRandom } from './random.js';
import { minimalGenome, searchWann, type SearchOptions, type WannTask } from './search.js';
import { compatibilityDistance, speciate } from './species.js';

// in0, in1, bias(2), out(3); hidden 4 (relu): in0→4, in1→4, 4→3, bias→3.
const handBuilt = (): Genome => ({
  nodes: [
    { id: 0, kind: 'input', activation: 'linear' }, { id: 1, kind: 'input', activation: 'linear' },
    { id: 2, kind: 'bias', activation: 'linear' }, { id: 3, kind: 'output', activation: 'tanh' },
    { id: 4, kind: 'hidden', activation: 'relu' },
  ],
  connections: [
    { from: 0, to: 4, enabled: true, innovation: 0 }, { from: 1, to: 4, enabled: true, innovation: 1 },
    { from: 4, to: 3, enabled: true, innovation: 2 }, { from: 2, to: 3, enabled: true, innovation: 3 },
    { from: 0, to: 3, enabled: false, innovation: 4 },
  ],
});

describe('wann genome and shared-weight evaluation', () => {
  it('computes act(w·Σ inputs) in topological order with one shared weight', () => {
    const plan = compile(handBuilt());
    const x0 = Float64Array.of(1, -3, 0.5), x1 = Float64Array.of(2, 1, 0.25);
    for (const w of [-2, -0.5, 1, 2]) {
      const [out] = forward(plan, [x0, x1], 3, w);
      for (let b = 0; b < 3; b++) {
        const hidden = Math.max(0, w * (x0[b] + x1[b]));
        assert.ok(Math.abs(out[b] - Math.tanh(w * (hidden + 1))) < 1e-12, `w=${w} b=${b}`);
      }
    }
  });

  it('rejects cycles, connections into inputs, unknown activations and missing innovation numbers', () => {
    const cyclic = handBuilt();
    cyclic.nodes.push({ id: 5, kind: 'hidden', activation: 'sin' });
    cyclic.connections.push({ from: 4, to: 5, enabled: true, innovation: 5 }, { from: 5, to: 4, enabled: true, innovation: 6 });
    assert.throws(() => checkGenome(cyclic), /cycle/);
    const intoInput = handBuilt();
    intoInput.connections.push({ from: 4, to: 0, enabled: true, innovation: 7 });
    assert.throws(() => checkGenome(intoInput), /into input/);
    const unknown = handBuilt();
    unknown.nodes[4] = { id: 4, kind: 'hidden', activation: 'swish' as Genome['nodes'][number]['activation'] };
    assert.throws(() => checkGenome(unknown), /node 4: unknown activation swish/);
    const unnumbered = handBuilt();
    delete (unnumbered.connections[0] as Partial<Genome['connections'][number]>).innovation;
    assert.throws(() => checkGenome(unnumbered), /0->4: innovation undefined/);
  });

  it('has the ten activations of the paper', () => {
    assert.deepEqual([...ACTIVATIONS].sort(), ['abs', 'cos', 'gaussian', 'inverse', 'linear', 'relu', 'sigmoid', 'sin', 'step', 'tanh']);
  });
});

describe('wann mutations', () => {
  it('keep networks acyclic and valid over many random mutations, and never change the parent', () => {
    const rng = seededRandom(3);
    const task = { inputs: 4, outputs: 2, outputActivation: 'linear' } as WannTask;
    const innovations = new Innovations(0, 7);
    let g = minimalGenome(task, 0.3, rng, innovations);
    for (let i = 0; i < 400; i++) {
      const parent = JSON.stringify(g);
      const child = mutate(g, rng, innovations, { insertNode: 1, addConnection: 2, changeActivation: 1 });
      assert.equal(JSON.stringify(g), parent, 'children share unchanged genes, so the parent must stay as it was');
      checkGenome((g = child));
    }
    assert.ok(g.nodes.some((n) => n.kind === 'hidden'));
    assert.ok(g.connections.filter((c) => c.enabled).length > 10);
    // The packed form, as a worker thread receives it (a structured clone), compiles to the same plan.
    assert.deepEqual(compile(structuredClone(pack(g))), compile(g));
  });

  it('insert node splits a connection: the old one disabled, two new ones through a hidden node', () => {
    const before = handBuilt();
    const after = insertNode(before, seededRandom(1), new Innovations(10, 10));
    assert.equal(after.nodes.length, before.nodes.length + 1);
    assert.equal(after.connections.filter((c) => c.enabled).length, 5);
    const added = after.nodes.find((n) => n.id === 10)!;
    const into = after.connections.find((c) => c.to === 10)!, out = after.connections.find((c) => c.from === 10)!;
    assert.ok(after.connections.some((c) => !c.enabled && c.from === into.from && c.to === out.to));
    assert.equal(added.kind, 'hidden');
    assert.equal(before.connections.filter((c) => c.enabled).length, 4, 'argument untouched');
  });

  it('add connection adds one new edge; change activation changes one node', () => {
    const g = handBuilt();
    const more = addConnection(g, seededRandom(2), new Innovations(10, 10));
    assert.equal(more.connections.length, g.connections.length + 1);
    checkGenome(more);
    const changed = changeActivation(g, seededRandom(5));
    assert.notEqual(changed.nodes.find((n) => n.id === 4)!.activation, 'relu');
  });
});

describe('wann Pareto ranking and speciation', () => {
  it('sorts hand-made points into fronts', () => {
    // objectives to maximize: (mean, −connections)
    const points = [[0.9, -10], [0.8, -5], [0.7, -20], [0.95, -30], [0.6, -4], [0.5, -6]];
    assert.ok(dominates([0.9, -10], [0.7, -20]));
    assert.ok(!dominates([0.9, -10], [0.8, -5]));
    const fronts = paretoFronts(points).map((f) => [...f].sort());
    assert.deepEqual(fronts, [[0, 1, 3, 4], [2, 5]]);
    const rank = paretoRank(points, points.map((p) => p[0]));
    assert.deepEqual(rank, [1, 2, 4, 0, 3, 5]);
  });

  it('distance is 0 for a genome and itself and grows with structural change; speciation groups', () => {
    const k = { connectionCoefficient: 1, activationCoefficient: 0.5 };
    const g = handBuilt();
    assert.equal(compatibilityDistance(g, g, k), 0);
    const far = insertNode(insertNode(g, seededRandom(1), new Innovations(10, 10)), seededRandom(2), new Innovations(20, 20));
    assert.ok(compatibilityDistance(g, far, k) > 0);
    const { species } = speciate([g, g, far], [], 0.3, k);
    assert.deepEqual(species, [0, 0, 1]);
  });
});

describe('wann search', () => {
  const options = (generations: number, start?: Genome): SearchOptions => ({
    population: 24, generations, weights: [-2, -1, -0.5, 0.5, 1, 2], initialConnectionRate: 0.5,
    rates: { insertNode: 1, addConnection: 2, changeActivation: 1 }, connectionObjectiveProbability: 0.8, secondObjective: 'max',
    elite: 2, tournament: 2, finalists: 3, speciesThreshold: 0.5, targetSpecies: 3, compatibility: { connectionCoefficient: 1, activationCoefficient: 0.5 }, seed: 1, start,
  });

  it('keeps the best swing-up return (elitism on Pareto rank 0) and returns a valid champion', async () => {
    const { history, champion, finalists } = await searchWann(swingUpTask(2, 200, 1), options(6));
    assert.equal(history.length, 6);
    assert.ok(history.at(-1)!.bestMean >= history[0].bestMean, `${history[0].bestMean} → ${history.at(-1)!.bestMean}`);
    checkGenome(champion.genome);
    assert.ok(finalists.length >= 1 && finalists.length <= 3 && new Set(finalists).size === finalists.length, 'distinct champions of the last 3 generations');
    assert.ok(finalists.includes(champion.genome));
  });

  it('continues from a given network: it is in the first population and new genes are numbered after its own', async () => {
    const start = handBuilt();
    const seen: Genome[] = [];
    const task = swingUpTask(1, 50, 1);
    await searchWann({ ...task, inputs: 2, outputs: 1 }, options(2, start), {
      evaluator: { evaluate: async (genomes) => (seen.push(...genomes), genomes.map(() => ({ perWeight: [0, 0, 0, 0, 0, 0] }))), close: async () => {} },
    });
    assert.equal(seen[0], start);
    for (const g of seen) {
      checkGenome(g);
      for (const c of g.connections) if (!start.connections.some((s) => s.from === c.from && s.to === c.to)) assert.ok(c.innovation > 4, `new gene ${c.from}>${c.to} numbered ${c.innovation}`);
      for (const n of g.nodes) if (!start.nodes.some((s) => s.id === n.id)) assert.ok(n.id > 4, `new node ${n.id}`);
    }
    const grown = Innovations.after(start);
    assert.deepEqual([grown.next, grown.nextNode, grown.connection(0, 4), grown.connection(4, 0)], [5, 5, 0, 5]);
  });

  it('ranks the mean with the best weight (the paper) or with the ensemble, as asked', async () => {
    // Every genome has mean 0.3; genome 3 alone has a better best weight, genome 5 alone a better ensemble.
    const performance = (i: number) => ({ perWeight: i === 3 ? [0.5, 0.1, 0.3, 0.3, 0.3, 0.3] : [0.3, 0.3, 0.3, 0.3, 0.3, 0.3], ensemble: i === 5 ? 0.9 : 0.1 });
    const eliteAfterFirstGeneration = async (secondObjective: SearchOptions['secondObjective']) => {
      const seen: Genome[][] = [];
      await searchWann(swingUpTask(1, 5, 1), { ...options(2), connectionObjectiveProbability: 0, secondObjective, elite: 1 }, {
        evaluator: { evaluate: async (genomes) => (seen.push(genomes), genomes.map((_, i) => performance(i))), close: async () => {} },
      });
      return seen[0].indexOf(seen[1][0]);
    };
    assert.equal(await eliteAfterFirstGeneration('max'), 3);
    assert.equal(await eliteAfterFirstGeneration('ensemble'), 5);
    await assert.rejects(searchWann(swingUpTask(1, 5, 1), { ...options(1), connectionObjectiveProbability: 0, secondObjective: 'ensemble' }), /no ensemble/);
  });

  it('cart physics: a pole at rest upright stays; hanging down it is stable', () => {
    const up = stepCart({ x: 0, xDot: 0, theta: 0, thetaDot: 0 }, 0);
    assert.deepEqual(up, { x: 0, xDot: 0, theta: 0, thetaDot: 0 });
    let s = { x: 0, xDot: 0, theta: Math.PI + 0.1, thetaDot: 0 };
    for (let i = 0; i < 500; i++) s = stepCart(s, 0);
    assert.ok(Math.abs(Math.cos(s.theta) + 1) < 0.05, `pole should stay near hanging: θ=${s.theta}`);
  });
});
