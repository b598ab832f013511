// WANN study (issue 12, Gaier & Ha 2019) at a reduced CPU budget: a `wann.search` on MNIST 16×16 and one on
// the swing-up cart-pole; prints accuracy/return at each shared weight, of the ensemble over the weights
// (MNIST), after tuning the single shared weight, and connection counts. The paper (MNIST, Table 2): 82.0 % ± 18.7
// for a random single shared weight, 91.6 % for the ensemble, 91.9 % tuned — after a search with a population of
// 960 for 4,096 generations; this budget is orders of magnitude smaller.
// Usage: npm run bench:study-wann -- [--task both|mnist16|swingup] [--population 64] [--generations 100000]
//        [--minutes 20] [--workers 0] [--swingup-population 32] [--swingup-generations 10]
//        [--train-examples 60000] [--batch 500] [--test-examples 10000] [--seed 1] [--mnist DIR] [--out DIR]
//        [--start-from DIR/mnist16/best-network.json (continue an earlier run's champion; use another --seed)]
//        [--second-objective max|ensemble (ranked with the mean on MNIST: the paper's best weight, or the ensemble)]
//        [--fitness accuracy|logLikelihood|ensembleLikelihood (MNIST minibatch score; the paper's code maximises the
//        log-likelihood; ensembleLikelihood: accuracy at each weight, the ensemble's log-likelihood, ranked by it)] [--json]
// --json keys: wann_single_weight_acc (mean test accuracy over the weight series = a random single shared weight,
// the paper's 82 %), wann_ensemble_acc, wann_tuned_weight_acc, wann_acc_w_<weight> (neg2 … 2, 0_5 = 0.5).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWannSearch, validateWannSpec, type WannSearchResult } from '../../../services/wann/search-job.js';
import { localJobContext } from '../../../services/ml/job-type.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const json = process.argv.includes('--json');
const task = arg('task', 'both');
const out = arg('out', mkdtempSync(join(tmpdir(), 'study-wann-')));
const log = (msg: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);

async function run(spec: Record<string, unknown>, name: string): Promise<WannSearchResult> {
  const started = Date.now();
  const result = await runWannSearch(validateWannSpec(spec), localJobContext(join(out, name), {
    reportMetrics: async (v, step) => { if (step % 25 === 0) log(`${name} gen ${step}: best mean ${v.best_mean.toFixed(4)} best max ${v.best_max.toFixed(4)}${v.best_ensemble === undefined ? '' : ` best ensemble ${v.best_ensemble.toFixed(4)}`} connections ${v.champion_connections} species ${v.species}`); },
  }));
  log(`${name}: ${((Date.now() - started) / 1000).toFixed(0)} s, artifacts in ${join(out, name)}`);
  return result;
}

function table(name: string, unit: string, r: WannSearchResult, digits: number): void {
  const e = r.evaluation;
  const fmt = (v: number) => (unit === 'acc' ? `${(100 * v).toFixed(digits)} %` : v.toFixed(digits));
  console.log(`\n${name} (${unit}; champion: ${e.connections} connections, ${e.hiddenNodes} hidden nodes)`);
  console.log('| shared weight | value |\n|---|---|');
  for (const p of e.perWeight) console.log(`| ${p.weight} | ${fmt(p.value)} |`);
  console.log(`| mean over weights (a random single weight) | ${fmt(e.mean)} |`);
  if (e.ensemble !== undefined) console.log(`| ensemble (sum of the instances' softmax over weights) | ${fmt(e.ensemble)} |`);
  console.log(`| tuned single weight (w = ${e.tunedWeight}, chosen on train) | ${fmt(e.tuned)} |`);
}

const seed = Number(arg('seed', '1'));
const figures: Record<string, number> = {};
if (task === 'both' || task === 'mnist16') {
  const r = await run({
    task: 'mnist16', population: Number(arg('population', '64')), generations: Number(arg('generations', '100000')),
    minutes: Number(arg('minutes', '20')), workers: Number(arg('workers', '0')),
    trainExamples: Number(arg('train-examples', '60000')), batch: Number(arg('batch', '500')),
    testExamples: Number(arg('test-examples', '10000')), seed, ...(process.argv.includes('--mnist') ? { datasetDir: arg('mnist', '') } : {}),
    ...(process.argv.includes('--start-from') ? { startFrom: arg('start-from', '') } : {}),
    ...(process.argv.includes('--second-objective') ? { secondObjective: arg('second-objective', '') } : {}),
    fitness: arg('fitness', 'accuracy'),
  }, 'mnist16');
  table('MNIST 16×16 test accuracy', 'acc', r, 1);
  console.log(`${r.history.length} generations; paper (960 × 4,096 generations): 82.0 % ± 18.7 random single weight, 91.6 % ensemble, 91.9 % tuned`);
  const weightKey = (w: number) => `wann_acc_w_${String(w).replace('-', 'neg').replace('.', '_')}`;
  Object.assign(figures, {
    wann_single_weight_acc: r.evaluation.mean, wann_ensemble_acc: r.evaluation.ensemble!, wann_tuned_weight_acc: r.evaluation.tuned,
    ...Object.fromEntries(r.evaluation.perWeight.map((p) => [weightKey(p.weight), p.value])),
    wann_mnist_connections: r.evaluation.connections, wann_mnist_generations: r.history.length,
  });
}
if (task === 'both' || task === 'swingup') {
  const r = await run({
    task: 'swingup', population: Number(arg('swingup-population', '32')), generations: Number(arg('swingup-generations', '10')),
    trials: 2, steps: 1000, seed,
  }, 'swingup');
  table('Swing-up cart-pole return (1000 steps, max 1000)', 'return', r, 1);
  Object.assign(figures, { wann_swingup_mean_return: r.evaluation.mean, wann_swingup_tuned_return: r.evaluation.tuned, wann_swingup_connections: r.evaluation.connections });
}
console.log(`\nrerun: npm run bench:study-wann -- ${process.argv.slice(2).filter((a) => a !== '--json').join(' ')}`);
if (json) console.log(JSON.stringify(figures));
