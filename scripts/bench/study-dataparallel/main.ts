// Reduced CPU-budget run of the `studies.dataparallel` job (Shallue et al. 2018): MLP on MNIST, batch sizes
// 2^3…2^11, a small Halton search of learning rate (and momentum) per batch size, best steps to the target
// validation accuracy, three-regime fit. Artifacts (results.json, steps-vs-batch.svg, summary.md) go to --out.
//   npm run bench:study-dataparallel -- [--trials 4] [--budget 1500] [--target 0.93] [--batches 8,16,…] [--out DIR] [--json]
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dataParallelJob } from '../../../services/studies/dataparallel-job.js';
import { dataParallelTable, regimeLines } from '../../../services/studies/dataparallel-report.js';
import { readFileSync } from 'node:fs';
import type { DataParallelResult } from '../../../services/studies/dataparallel.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const json = process.argv.includes('--json');
const out = arg('out', '') || mkdtempSync(path.join(os.tmpdir(), 'study-dataparallel-'));
mkdirSync(out, { recursive: true });
const spec = dataParallelJob.validate({
  dataset: arg('dataset', 'mnist'),
  model: arg('model', 'mlp'),
  batchSizes: arg('batches', '8,16,32,64,128,256,512,1024,2048').split(',').map(Number),
  trialsPerBatch: Number(arg('trials', '4')),
  stepBudget: Number(arg('budget', '1500')),
  targetAccuracy: Number(arg('target', '0.93')),
  learningRateRange: [0.01, 2],
  trainExamples: Number(arg('train', '20000')),
  valExamples: Number(arg('val', '2000')),
  seed: Number(arg('seed', '1')),
});
const started = Date.now();
await dataParallelJob.run(spec, {
  signal: new AbortController().signal,
  artifactDir: out,
  reportMetrics: async () => {},
  reportProgress: async (f) => { if (!json) process.stderr.write(`\r${(100 * f).toFixed(0)} %`); },
  log: () => {},
});
const result = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as DataParallelResult;
const seconds = (Date.now() - started) / 1000;
console.log(`\n${dataParallelTable(result)}\n\n${regimeLines(result).join('\n')}\n`);
console.log(`artifacts: ${out}  (${seconds.toFixed(0)} s)`);
console.log(`rerun: npm run bench:study-dataparallel -- ${process.argv.slice(2).join(' ')}`);
if (json) {
  const fit = (opt: string) => result.curves.find((c) => c.optimizer === opt)?.fit ?? null;
  const headline: Record<string, number | null> = { seconds };
  for (const opt of spec.optimizers) {
    const f = fit(opt), p = opt === 'sgd' ? '' : `${opt}_`;
    headline[`${p}perfect_scaling_slope`] = f?.slopes[0] ?? null;
    headline[`${p}max_useful_batch`] = f?.maxUsefulBatch ?? null;
    for (const pt of result.curves.find((c) => c.optimizer === opt)!.points) headline[`${opt}_steps_b${pt.batchSize}`] = pt.steps;
  }
  console.log(JSON.stringify(headline));
}
