// MorphNet on a deliberately over-wide CNN on Fashion-MNIST: accuracy vs FLOPs of the uniform
// width-multiplier baseline and of MorphNet structures (FLOP target at several strengths, size target),
// each retrained from scratch with the same steps; the FLOP-learned structure expanded back to the seed's
// FLOPs; and how FLOP- and size-targeted structures differ layer by layer.
//   npm run bench:morphnet -- [--data DIR] [--steps N] [--train-examples N] [--test-examples N] [--batch N]
//     [--multipliers 1,0.75,0.5] [--strengths 1,4,12] [--size-strength 4] [--threshold 0.01] [--seed 1] [--json]
import { parseArgs } from 'node:util';
import { initBackend } from '../../../services/ml/backend.js';
import { channelGroups } from '../../../services/morphnet/channel-groups.js';
import { coefficients } from '../../../services/morphnet/cost-model.js';
import { bn, conv, dense } from '../../../services/morphnet/example-networks.js';
import { scaleWidths, solveWidthMultiplier } from '../../../services/morphnet/expand.js';
import { FASHION_MNIST_DIR, loadIdxDataset as loadFashionMnist } from '../../../services/ml/idx-datasets.js';
import { costFunction, learnStructure, structureReport, trainFromScratch, type CycleOptions } from '../../../services/morphnet/morph-cycle.js';
import { checkNetwork, layerWidth, type NetworkSpec } from '../../../services/morphnet/network.js';

const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: FASHION_MNIST_DIR },
    steps: { type: 'string', default: '300' },
    'train-examples': { type: 'string', default: '60000' },
    'test-examples': { type: 'string', default: '10000' },
    batch: { type: 'string', default: '64' },
    multipliers: { type: 'string', default: '1,0.75,0.5' },
    strengths: { type: 'string', default: '1,4,12' },
    'size-strength': { type: 'string', default: '4' },
    threshold: { type: 'string', default: '0.01' },
    seed: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
  },
});
const list = (s: string): number[] => s.split(',').map(Number);

/** Over-wide for Fashion-MNIST on purpose: MorphNet has neurons to find worthless. */
const seedNet: NetworkSpec = {
  name: 'over-wide-cnn',
  input: { height: 28, width: 28, channels: 1 },
  layers: [
    conv('conv1', 32, { stride: 2 }), bn('bn1'),
    conv('conv2', 48, { stride: 2 }), bn('bn2'),
    conv('conv3', 48), bn('bn3'),
    dense('fc', 64), bn('bn4'),
    dense('logits', 10),
  ],
};

const backend = await initBackend();
const started = Date.now();
const data = loadFashionMnist(args.data, Number(args['train-examples']), Number(args['test-examples']));
const steps = Number(args.steps);
const opts: CycleOptions = {
  network: seedNet, target: 'flops', strength: 1, aliveThreshold: Number(args.threshold), budget: 0,
  trainSteps: steps, retrainSteps: steps, batchSize: Number(args.batch), learningRate: 2e-3, seed: Number(args.seed),
};
const seed = checkNetwork(seedNet);
const flopCoef = coefficients(seed, 'flops');
const sizeCoef = coefficients(seed, 'size');
const flopsOf = costFunction(flopCoef);

const widthsOf = (net: NetworkSpec): string => net.layers.flatMap((l) => (layerWidth(l) === undefined ? [] : [`${l.name} ${layerWidth(l)}`])).join(', ');

interface Point { label: string; net: NetworkSpec; flops: number; params: number; accuracy: number }
const points: Point[] = [];
const log = (line: string): void => { process.stderr.write(`${line}  [${((Date.now() - started) / 1000).toFixed(0)} s]\n`); };
async function measure(label: string, net: NetworkSpec): Promise<Point> {
  const accuracy = await trainFromScratch(net, data, { ...opts, steps });
  const report = structureReport(net, flopCoef);
  const point = { label, net, flops: report.flops, params: report.params, accuracy };
  points.push(point);
  log(`${label}: ${report.flops} FLOPs, accuracy ${(100 * accuracy).toFixed(2)} %`);
  return point;
}


const morph: Point[] = [];
for (const strength of list(args.strengths)) {
  const learned = await learnStructure(seed, flopCoef, data, { ...opts, strength });
  log(`FLOP regularizer ${strength}: regularized accuracy ${(100 * learned.regularizedAccuracy).toFixed(2)} %, widths ${widthsOf(learned.net)}`);
  morph.push(await measure(`MorphNet FLOPs s=${strength}`, learned.net));
}
const sizeLearned = await learnStructure(seed, sizeCoef, data, { ...opts, target: 'size', strength: Number(args['size-strength']) });
log(`size regularizer: widths ${widthsOf(sizeLearned.net)}`);
const sizePoint = await measure(`MorphNet size s=${args['size-strength']}`, sizeLearned.net);

const baseline: Point[] = [];
for (const m of list(args.multipliers)) baseline.push(await measure(`uniform ×${m}`, scaleWidths(seed, channelGroups(seed), m)));
const original = baseline.find((p) => p.label === 'uniform ×1') ?? baseline[0];

/** Baseline FLOPs reaching `accuracy`, interpolating accuracy linearly in log FLOPs between baseline points. */
function baselineFlopsAt(accuracy: number): number | undefined {
  const sorted = [...baseline].sort((a, b) => a.flops - b.flops);
  for (let i = 1; i < sorted.length; i++) {
    const [a, b] = [sorted[i - 1], sorted[i]];
    if ((accuracy - a.accuracy) * (accuracy - b.accuracy) <= 0 && a.accuracy !== b.accuracy) {
      const t = (accuracy - a.accuracy) / (b.accuracy - a.accuracy);
      return Math.exp(Math.log(a.flops) + t * (Math.log(b.flops) - Math.log(a.flops)));
    }
  }
  return undefined;
}
/** Baseline accuracy at `flops`, interpolated the same way (clamped to the curve's ends). */
function baselineAccuracyAt(flops: number): number {
  const sorted = [...baseline].sort((a, b) => a.flops - b.flops);
  if (flops <= sorted[0].flops) return sorted[0].accuracy;
  for (let i = 1; i < sorted.length; i++) {
    const [a, b] = [sorted[i - 1], sorted[i]];
    if (flops <= b.flops) return a.accuracy + ((Math.log(flops) - Math.log(a.flops)) / (Math.log(b.flops) - Math.log(a.flops))) * (b.accuracy - a.accuracy);
  }
  return sorted.at(-1)!.accuracy;
}

// Expand the strongest-regularized FLOP structure back to the seed's FLOPs and retrain it.
const learnedForExpansion = morph[morph.length - 1];
const expansion = solveWidthMultiplier(checkNetwork(learnedForExpansion.net), flopsOf(seedNet), flopsOf);
const expanded = await measure(`expanded ×${expansion.multiplier.toFixed(3)}`, expansion.net);

const pct = (x: number): string => (100 * x).toFixed(2);
console.log(`\nMorphNet on Fashion-MNIST (${args['train-examples']} train / ${args['test-examples']} test examples, ${steps} steps × batch ${args.batch} per training, backend ${backend})`);
console.log('| network | FLOPs | params | test acc % | baseline acc % at these FLOPs | FLOP saving vs baseline at equal acc |');
console.log('|---|---:|---:|---:|---:|---:|');
const savings = new Map<Point, number | undefined>();
for (const p of points) {
  const atAcc = baselineFlopsAt(p.accuracy);
  const saving = atAcc === undefined ? undefined : 1 - p.flops / atAcc;
  savings.set(p, saving);
  console.log(`| ${p.label} | ${p.flops} | ${p.params} | ${pct(p.accuracy)} | ${pct(baselineAccuracyAt(p.flops))} | ${saving === undefined ? 'outside curve' : `${pct(saving)} %`} |`);
}

console.log('\nPer-layer widths: seed, FLOP-targeted (each strength), size-targeted, expanded');
const widthCols = [seedNet, ...morph.map((p) => p.net), sizePoint.net, expanded.net];
console.log(`| layer | seed | ${morph.map((p) => p.label.replace('MorphNet ', '')).join(' | ')} | size | expanded |`);
console.log(`|---|${widthCols.map(() => '---:').join('|')}|`);
for (const layer of seedNet.layers) {
  if (layerWidth(layer) === undefined) continue;
  const cells = widthCols.map((net) => { const l = net.layers.find((x) => x.name === layer.name); return l ? String(layerWidth(l)) : 'removed'; });
  console.log(`| ${layer.name} | ${cells.join(' | ')} |`);
}

// Headline: the FLOP-targeted point with the largest saving at equal accuracy.
const best = morph.reduce((a, b) => ((savings.get(b) ?? -Infinity) > (savings.get(a) ?? -Infinity) ? b : a));
const headline = {
  flop_saving_pct: Number(pct(savings.get(best) ?? NaN)),
  acc_loss_pt: Number((100 * (baselineAccuracyAt(best.flops) - best.accuracy)).toFixed(2)),
  expanded_acc_gain_pt: Number((100 * (expanded.accuracy - original.accuracy)).toFixed(2)),
  morphnet_flops: best.flops,
  seed_flops: original.flops,
  seed_acc_pct: Number(pct(original.accuracy)),
  morphnet_acc_pct: Number(pct(best.accuracy)),
  expanded_acc_pct: Number(pct(expanded.accuracy)),
  steps_per_training: steps,
  wall_s: Math.round((Date.now() - started) / 1000),
};
console.log(`\nheadline (${best.label}): ${JSON.stringify(headline)}`);
console.log(`rerun: npm run bench:morphnet -- --steps ${steps} --train-examples ${args['train-examples']} --test-examples ${args['test-examples']} --batch ${args.batch} --multipliers ${args.multipliers} --strengths ${args.strengths} --size-strength ${args['size-strength']} --threshold ${args.threshold} --seed ${args.seed}${args.json ? ' --json' : ''}`);
if (args.json) console.log(JSON.stringify(headline));
