// S3GAN study (issue 12; Lučić et al. 2019, "High-Fidelity Image Generation With Fewer Labels") at a reduced CPU
// budget: the `s3gan.study` job in process on Fashion-MNIST 28×28 — unconditional GAN, fully-labelled
// conditional GAN, S3GAN at 10 % and 20 % labels — printing FID, KID (on the features of a Fashion-MNIST CNN
// the study trains; NOT Inception FID) and label-inference accuracy per variant.
// The paper's claim checked: S3GAN at 10 % labels reaches an FID no worse than the fully-labelled model.
// Usage: npm run bench:study-s3gan -- [--gan-steps 1200] [--batch 64] [--channels 16] [--g-channels 32]
//        [--feature-steps 1500] [--pretrain-steps 800] [--fine-tune-steps 1000] [--eval-samples 2000] [--seed 1]
//        [--variants unconditional,full-labels,s3gan] [--label-fractions 0.1,0.2] [--rotation-weight-d 0.1]
//        [--rotation-weight-g 0.02] [--data DIR] [--out DIR] [--json]
// (--channels: D and label-extractor width; --g-channels: G width; --rotation-weight-d/-g: S3GAN's rotation-loss
// weights on D's real images and G's fakes)
// --json keys: fid_unconditional, fid_full_labels, fid_s3gan_10pct, fid_s3gan_20pct, kid_<same>, label_acc_10pct,
// label_acc_20pct, class_acc_<conditional variant>, fid_real_data, kid_real_data, feature_classifier_acc, rotation_acc,
// s3gan_10pct_fid_ratio, seconds.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { s3ganStudyJob } from '../../../services/s3gan/study-job.js';
import { localJobContext } from '../../../services/ml/job-type.js';
import { studyTable } from '../../../services/s3gan/report.js';
import type { StudyResult } from '../../../services/s3gan/study.js';
import { readFile } from 'node:fs/promises';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}
const json = process.argv.includes('--json');
const out = arg('out', mkdtempSync(join(tmpdir(), 'study-s3gan-')));
const log = (msg: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);
const channels = Number(arg('channels', '16'));
const gChannels = Number(arg('g-channels', '32'));

const spec = s3ganStudyJob.validate({
  ganSteps: Number(arg('gan-steps', '1200')), batchSize: Number(arg('batch', '64')), gChannels, dChannels: channels,
  extractorWidth: channels, featureSteps: Number(arg('feature-steps', '1500')), pretrainSteps: Number(arg('pretrain-steps', '800')),
  fineTuneSteps: Number(arg('fine-tune-steps', '1000')), evalSamples: Number(arg('eval-samples', '2000')), seed: Number(arg('seed', '1')),
  // Left out, the rotation-loss weights are the job's defaults (0.1 and 0.02: a tenth of the paper's, README).
  ...(process.argv.includes('--rotation-weight-d') ? { rotationWeightD: Number(arg('rotation-weight-d', '')) } : {}),
  ...(process.argv.includes('--rotation-weight-g') ? { rotationWeightG: Number(arg('rotation-weight-g', '')) } : {}),
  ...(process.argv.includes('--data') ? { dataDir: arg('data', '') } : {}),
  ...(process.argv.includes('--variants') ? { variants: arg('variants', '').split(',') } : {}),
  ...(process.argv.includes('--label-fractions') ? { labelFractions: arg('label-fractions', '').split(',').map(Number) } : {}),
});
const started = Date.now();
const result = await s3ganStudyJob.run(spec, localJobContext(out, {
  reportMetrics: async (v, step) => { if (step % 400 === 0) log(`step ${step}: ${Object.entries(v).map(([k, x]) => `${k} ${x.toFixed(3)}`).join(' ')}`); },
  log: (message, fields) => log(`${message} ${JSON.stringify(fields ?? {})}`),
}));
const seconds = (Date.now() - started) / 1000;
const saved = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as StudyResult;

console.log(`\nS3GAN study, Fashion-MNIST 28×28: G width ${gChannels}, D width ${channels}, ${spec.ganSteps} GAN steps × batch ${spec.batchSize} per variant, ` +
  `FID/KID on ${spec.evalSamples} samples vs ${spec.evalSamples} test images (features: a ${spec.featureDim}-d layer of a repo-trained CNN, not Inception)`);
console.log(studyTable(saved));
const m = result as Record<string, number>;
const ratio = m.fid_s3gan_10pct !== undefined && m.fid_full_labels !== undefined ? m.fid_s3gan_10pct / m.fid_full_labels : undefined;
if (ratio !== undefined) console.log(`S3GAN 10 % / fully-labelled FID: ${ratio.toFixed(3)} (paper's claim: ≤ 1) — ${ratio <= 1 ? 'met' : 'not met'} in this run`);
console.log(`feature classifier test accuracy ${(100 * m.feature_classifier_acc!).toFixed(1)} %; ${seconds.toFixed(0)} s; artifacts (results.json, summary.md, samples-*.png) in ${out}`);
console.log(`\nrerun: npm run bench:study-s3gan -- ${process.argv.slice(2).filter((a) => a !== '--json').join(' ')}`);
if (json) {
  const flat = Object.fromEntries(Object.entries(m).filter(([, v]) => typeof v === 'number'));
  console.log(JSON.stringify({ ...flat, ...(ratio === undefined ? {} : { s3gan_10pct_fid_ratio: ratio }), seconds }));
}
