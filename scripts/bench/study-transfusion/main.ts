// Reduced CPU-budget run of the `studies.transfusion` job (Raghu et al. 2019): CBR-Tiny and the small ResNet
// pretrained on Fashion-MNIST, fine-tuned on PneumoniaMNIST from random / transfer / Mean-Var / Gabor inits.
//   npm run bench:study-transfusion -- [--pneumonia PATH] [--models cbr-tiny,resnet,cbr-small] [--pretrain 300] [--steps 300] [--out DIR] [--json]
// --json: auc_<init> (CBR-Tiny), auc_<init>_<model> (others), <model>_<init>_steps_to_target, …_svcca_block1.
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { transfusionJob } from '../../../services/studies/transfusion-job.js';
import { transfusionTable } from '../../../services/studies/transfusion-report.js';
import type { TransfusionResult } from '../../../services/studies/transfusion.js';
import { localJobContext } from '../../../services/ml/job-type.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const json = process.argv.includes('--json');
const out = arg('out', '') || mkdtempSync(path.join(os.tmpdir(), 'study-transfusion-'));
mkdirSync(out, { recursive: true });
const spec = transfusionJob.validate({
  pneumoniaPath: arg('pneumonia', '../shared/data/pneumoniamnist/pneumoniamnist.npz'),
  models: arg('models', 'cbr-tiny,resnet').split(','),
  pretrainSteps: Number(arg('pretrain', '300')),
  fineTuneSteps: Number(arg('steps', '300')),
  evalEvery: Number(arg('eval-every', '20')),
  targetAuc: Number(arg('target', '0.95')),
  source: arg('source', 'fashion-mnist'),
  sourceExamples: Number(arg('source-examples', '10000')),
  seed: Number(arg('seed', '1')),
});
const started = Date.now();
await transfusionJob.run(spec, localJobContext(out, {
  reportProgress: async (f) => { if (!json) process.stderr.write(`\r${(100 * f).toFixed(0)} %`); },
}));
const result = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as TransfusionResult & { trainImages: number };
const seconds = (Date.now() - started) / 1000;
console.log(`\nPneumoniaMNIST train split: ${result.trainImages} images (a subsample of the official 4,708); pretraining accuracy ${JSON.stringify(result.pretrainAccuracy)}\n`);
console.log(`${transfusionTable(result)}\n`);
console.log(`artifacts: ${out}  (${seconds.toFixed(0)} s)`);
console.log(`rerun: npm run bench:study-transfusion -- ${process.argv.slice(2).join(' ')}`);
if (json) {
  const headline: Record<string, number | null> = { seconds };
  for (const r of result.results) {
    const key = `${r.model.replace('-', '_')}_${r.init}`;
    headline[`auc_${r.init}${r.model === 'cbr-tiny' ? '' : `_${r.model.replace('cbr-', '')}`}`] = r.testAuc;
    headline[`${key}_steps_to_target`] = r.stepsToTargetAuc;
    headline[`${key}_svcca_block1`] = r.svccaBeforeAfter[0];
  }
  console.log(JSON.stringify(headline));
}
