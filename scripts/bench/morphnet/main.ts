// MorphNet on a deliberately over-wide CNN on Fashion-MNIST (its 14×14 conv layers carry most FLOPs):
// accuracy vs FLOPs of the uniform width-multiplier baseline and of MorphNet structures (FLOP target at
// several strengths, size target), every network retrained from scratch with the same schedule over several
// seeds (mean ± std); the FLOP saving at equal accuracy on the interpolated baseline curve; one FLOP-learned
// structure expanded back to the seed's FLOPs; FLOP- vs size-targeted widths layer by layer.
//   npm run bench:morphnet -- [--data DIR] [--steps 200] [--batch N] [--train-examples N] [--test-examples N]
//     [--multipliers 1,0.75,0.5,0.35] [--strengths 2,6,15] [--size-strength 12] [--expand-strength 6]
//     [--threshold 0.01] [--seeds 1,2,3] [--structure-seed 1] [--parts baseline,morph]
//     [--structures FILE] [--results FILE] [--aggregate FILE,FILE] [--json]
// Splitting across processes: --parts baseline in one, --parts morph in another, each with --results FILE;
// then --aggregate A,B prints the table of both (the structures are learned once, cached in --structures).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { initBackend } from '../../../services/ml/backend.js';
import { FASHION_MNIST_DIR, loadIdxDataset } from '../../../services/ml/idx-datasets.js';
import { channelGroups } from '../../../services/morphnet/channel-groups.js';
import { coefficients } from '../../../services/morphnet/cost-model.js';
import { bn, conv, dense } from '../../../services/morphnet/example-networks.js';
import { scaleWidths, solveWidthMultiplier } from '../../../services/morphnet/expand.js';
import { costFunction, learnStructure, structureReport, trainFromScratch, type CycleOptions, type GateCensus } from '../../../services/morphnet/morph-cycle.js';
import { checkNetwork, layerWidth, type NetworkSpec } from '../../../services/morphnet/network.js';
import { BaselineCurve, summarize, type Summary } from './curve.js';

const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: FASHION_MNIST_DIR },
    steps: { type: 'string', default: '200' },
    batch: { type: 'string', default: '128' },
    'train-examples': { type: 'string', default: '60000' },
    'test-examples': { type: 'string', default: '10000' },
    multipliers: { type: 'string', default: '1,0.75,0.5,0.35' },
    strengths: { type: 'string', default: '2,6,15' },
    'size-strength': { type: 'string', default: '12' },
    'expand-strength': { type: 'string', default: '6' },
    threshold: { type: 'string', default: '0.01' },
    seeds: { type: 'string', default: '1,2,3' },
    'structure-seed': { type: 'string', default: '1' },
    parts: { type: 'string', default: 'baseline,morph' },
    structures: { type: 'string' },
    results: { type: 'string' },
    aggregate: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const list = (s: string): number[] => s.split(',').map(Number);

/** Over-wide for Fashion-MNIST on purpose, with conv2 (24×24 channels at 14×14) carrying two thirds of the FLOPs. */
const seedNet: NetworkSpec = {
  name: 'over-wide-cnn',
  input: { height: 28, width: 28, channels: 1 },
  layers: [
    conv('conv1', 24, { stride: 2 }), bn('bn1'),
    conv('conv2', 24), bn('bn2'),
    conv('conv3', 32, { stride: 2 }), bn('bn3'),
    dense('fc', 64), bn('bn4'),
    dense('logits', 10),
  ],
};
const seed = checkNetwork(seedNet);
const flopCoef = coefficients(seed, 'flops');
const flopsOf = costFunction(flopCoef);

type Kind = 'baseline' | 'flops' | 'size' | 'expanded';
interface NetworkEntry { kind: Kind; net: NetworkSpec; flops: number; params: number; note: string }
interface Results {
  config: Record<string, string>;
  networks: Record<string, NetworkEntry>;
  accuracies: { label: string; seed: number; accuracy: number }[];
}
interface LearnedEntry { net: NetworkSpec; regularizedAccuracy: number; gates: GateCensus }

const started = Date.now();
const log = (line: string): void => { process.stderr.write(`${line}  [${((Date.now() - started) / 1000).toFixed(0)} s]\n`); };
const training = { steps: args.steps, batch: args.batch, 'train-examples': args['train-examples'], 'test-examples': args['test-examples'] };
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
function writeJson(path: string, value: unknown): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(value));
  renameSync(`${path}.tmp`, path);
}

const results: Results = args.aggregate ? mergeResults(args.aggregate.split(',')) : await runParts();
report(results);

function mergeResults(files: string[]): Results {
  const merged: Results = { config: {}, networks: {}, accuracies: [] };
  for (const file of files) {
    const r = readJson<Results>(file);
    for (const [k, v] of Object.entries(training)) {
      if (r.config[k] !== undefined && merged.config[k] !== undefined && r.config[k] !== merged.config[k]) {
        throw new Error(`${file}: ${k}=${r.config[k]} differs from ${merged.config[k]}; only runs of one schedule can be merged`);
      }
    }
    Object.assign(merged.config, r.config);
    Object.assign(merged.networks, r.networks);
    for (const a of r.accuracies) if (!merged.accuracies.some((m) => m.label === a.label && m.seed === a.seed)) merged.accuracies.push(a);
  }
  return merged;
}

async function runParts(): Promise<Results> {
  const backend = await initBackend();
  const data = loadIdxDataset(args.data, Number(args['train-examples']), Number(args['test-examples']));
  const parts = args.parts.split(',');
  const out: Results = { config: { ...training, backend, parts: args.parts }, networks: {}, accuracies: [] };
  const add = (label: string, kind: Kind, net: NetworkSpec, note = ''): void => {
    const r = structureReport(net, flopCoef);
    out.networks[label] = { kind, net, flops: r.flops, params: r.params, note };
  };
  if (parts.includes('baseline')) for (const m of list(args.multipliers)) add(`uniform ×${m}`, 'baseline', scaleWidths(seed, channelGroups(seed), m));
  if (parts.includes('morph')) {
    const learned = await learnedStructures(data);
    for (const [label, l] of Object.entries(learned)) {
      const census = `gates dead/near/alive ${l.gates.dead}/${l.gates.nearThreshold}/${l.gates.alive}, regularized acc ${(100 * l.regularizedAccuracy).toFixed(2)} %`;
      add(label, label.startsWith('MorphNet size') ? 'size' : 'flops', l.net, census);
    }
    const toExpand = learned[`MorphNet FLOPs s=${args['expand-strength']}`];
    if (!toExpand) throw new Error(`--expand-strength ${args['expand-strength']} is not one of --strengths ${args.strengths}`);
    const expansion = solveWidthMultiplier(checkNetwork(toExpand.net), flopsOf(seedNet), flopsOf);
    add(`expanded s=${args['expand-strength']} ×${expansion.multiplier.toFixed(3)}`, 'expanded', expansion.net);
  }
  const opts = { steps: Number(args.steps), batchSize: Number(args.batch), learningRate: 2e-3 };
  for (const s of list(args.seeds)) {
    for (const [label, entry] of Object.entries(out.networks)) {
      const accuracy = await trainFromScratch(entry.net, data, { ...opts, seed: s });
      out.accuracies.push({ label, seed: s, accuracy });
      log(`${label} seed ${s}: ${entry.flops} FLOPs, accuracy ${(100 * accuracy).toFixed(2)} %`);
      if (args.results) writeJson(args.results, out);
    }
  }
  return out;
}

/** The regularized phase once per strength (seed --structure-seed), cached in --structures when given. */
async function learnedStructures(data: Parameters<typeof learnStructure>[2]): Promise<Record<string, LearnedEntry>> {
  const key = { ...training, strengths: args.strengths, 'size-strength': args['size-strength'], threshold: args.threshold, 'structure-seed': args['structure-seed'], net: JSON.stringify(seedNet) };
  if (args.structures && existsSync(args.structures)) {
    const cached = readJson<{ key: typeof key; learned: Record<string, LearnedEntry> }>(args.structures);
    if (JSON.stringify(cached.key) === JSON.stringify(key)) { log(`structures from ${args.structures}`); return cached.learned; }
    log(`${args.structures} was learned with other settings; learning again`);
  }
  const base: CycleOptions = {
    network: seedNet, target: 'flops', strength: 1, aliveThreshold: Number(args.threshold), budget: 0,
    trainSteps: Number(args.steps), retrainSteps: 0, batchSize: Number(args.batch), learningRate: 2e-3, seed: Number(args['structure-seed']),
  };
  const learned: Record<string, LearnedEntry> = {};
  const runs: [string, CycleOptions][] = [
    ...list(args.strengths).map((s): [string, CycleOptions] => [`MorphNet FLOPs s=${s}`, { ...base, strength: s }]),
    [`MorphNet size s=${args['size-strength']}`, { ...base, target: 'size', strength: Number(args['size-strength']) }],
  ];
  for (const [label, o] of runs) {
    const l = await learnStructure(seed, coefficients(seed, o.target), data, o);
    learned[label] = { net: l.net, regularizedAccuracy: l.regularizedAccuracy, gates: l.gates };
    log(`${label}: ${flopsOf(l.net)} FLOPs, widths ${widthsOf(l.net)}, gates dead/near/alive ${l.gates.dead}/${l.gates.nearThreshold}/${l.gates.alive}`);
  }
  if (args.structures) writeJson(args.structures, { key, learned });
  return learned;
}

function widthsOf(net: NetworkSpec): string {
  return net.layers.flatMap((l) => (layerWidth(l) === undefined ? [] : [`${l.name} ${layerWidth(l)}`])).join(', ');
}

function report(r: Results): void {
  const acc = new Map<string, Summary>();
  for (const label of Object.keys(r.networks)) {
    const xs = r.accuracies.filter((a) => a.label === label).map((a) => a.accuracy);
    if (xs.length > 0) acc.set(label, summarize(xs));
  }
  const entries = Object.entries(r.networks).filter(([label]) => acc.has(label));
  const baseline = new BaselineCurve(entries.filter(([, e]) => e.kind === 'baseline').map(([label, e]) => ({ flops: e.flops, acc: acc.get(label)! })));
  const pt = (x: number): string => (100 * x).toFixed(2);
  const seedsOf = (label: string): string => r.accuracies.filter((a) => a.label === label).map((a) => a.seed).join(',');
  const c = r.config;
  console.log(`\nMorphNet on Fashion-MNIST (${c['train-examples']} train / ${c['test-examples']} test images, ${c.steps} steps × batch ${c.batch} per training, Adam 2e-3 cosine-decayed; backend ${c.backend})`);
  console.log('| network | FLOPs | params | seeds | test acc % (mean ± std) | baseline acc % at these FLOPs | baseline FLOPs at this acc | FLOP saving at equal acc (±1 s.e.) |');
  console.log('|---|---:|---:|---|---:|---:|---:|---:|');
  const savings = new Map<string, number | undefined>();
  for (const [label, e] of entries.sort(([, a], [, b]) => kindOrder(a.kind) - kindOrder(b.kind) || b.flops - a.flops)) {
    const a = acc.get(label)!;
    const base = baseline.accuracyAt(e.flops);
    const sem = Math.hypot(a.sem, base.sem);
    const saving = baseline.savingAt(e.flops, a.mean);
    savings.set(label, saving);
    const range = [baseline.savingAt(e.flops, a.mean - sem), baseline.savingAt(e.flops, a.mean + sem)].map((s) => (s === undefined ? 'off' : pt(s))).join('…');
    const atAcc = baseline.flopsAt(a.mean);
    console.log(`| ${label} | ${e.flops} | ${e.params} | ${seedsOf(label)} | ${pt(a.mean)} ± ${pt(a.std)} | ${pt(base.mean)} | ${atAcc === undefined ? 'off curve' : Math.round(atAcc)} | ${saving === undefined ? 'off curve' : `${pt(saving)} % (${range})`} |`);
  }
  for (const [label, e] of entries) if (e.note) console.log(`${label}: ${e.note}`);

  const cols = entries.filter(([, e]) => e.kind !== 'baseline');
  console.log('\nPer-layer widths: seed, FLOP-targeted (each strength), size-targeted, expanded');
  console.log(`| layer | seed | ${cols.map(([label]) => label.replace('MorphNet ', '')).join(' | ')} |`);
  console.log(`|---|---:|${cols.map(() => '---:').join('|')}|`);
  for (const layer of seedNet.layers) {
    if (layerWidth(layer) === undefined) continue;
    const cells = cols.map(([, e]) => { const l = e.net.layers.find((x) => x.name === layer.name); return l ? String(layerWidth(l)) : 'removed'; });
    console.log(`| ${layer.name} | ${layerWidth(layer)} | ${cells.join(' | ')} |`);
  }

  // Headline: the FLOP-targeted structure with the largest saving at equal accuracy.
  const flopPoints = entries.filter(([, e]) => e.kind === 'flops');
  const best = flopPoints.reduce<[string, NetworkEntry] | undefined>((b, p) => (b === undefined || (savings.get(p[0]) ?? -Infinity) > (savings.get(b[0]) ?? -Infinity) ? p : b), undefined);
  const original = entries.find(([label]) => label === 'uniform ×1');
  const expanded = entries.find(([, e]) => e.kind === 'expanded');
  const gain = original && expanded ? difference(acc.get(expanded[0])!, acc.get(original[0])!) : undefined;
  const headline = {
    flop_saving_pct: best ? Number(pt(savings.get(best[0]) ?? NaN)) : null,
    acc_loss_pt: best ? Number(pt(baseline.accuracyAt(best[1].flops).mean - acc.get(best[0])!.mean)) : null,
    expanded_acc_gain_pt: gain ? Number(pt(gain.mean)) : null,
    expanded_acc_gain_sem_pt: gain ? Number(pt(gain.sem)) : null,
    morphnet: best?.[0] ?? null,
    morphnet_flops: best?.[1].flops ?? null,
    seed_flops: flopsOf(seedNet),
    seed_acc_pct: original ? Number(pt(acc.get(original[0])!.mean)) : null,
    expanded_acc_pct: expanded ? Number(pt(acc.get(expanded[0])!.mean)) : null,
    steps_per_training: Number(c.steps),
    seeds: Math.max(...[...acc.values()].map((s) => s.n)),
  };
  if (gain) console.log(`\nexpanded − original (uniform ×1): ${pt(gain.mean)} ± ${pt(gain.sem)} pt (mean difference ± its s.e.)`);
  console.log(`headline (${headline.morphnet}): ${JSON.stringify(headline)}`);
  const rerun = args.aggregate
    ? `--aggregate ${args.aggregate}`
    : `--steps ${args.steps} --batch ${args.batch} --train-examples ${args['train-examples']} --test-examples ${args['test-examples']} --multipliers ${args.multipliers} --strengths ${args.strengths} --size-strength ${args['size-strength']} --expand-strength ${args['expand-strength']} --threshold ${args.threshold} --seeds ${args.seeds} --structure-seed ${args['structure-seed']} --parts ${args.parts}`;
  console.log(`rerun: npm run bench:morphnet -- ${rerun}${args.json ? ' --json' : ''}`);
  if (args.json) console.log(JSON.stringify(headline));
}

function kindOrder(kind: Kind): number {
  return ['flops', 'size', 'expanded', 'baseline'].indexOf(kind);
}

function difference(a: Summary, b: Summary): { mean: number; sem: number } {
  return { mean: a.mean - b.mean, sem: Math.hypot(a.sem, b.sem) };
}
