import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { JobSpecError, localJobContext } from '../ml/job-type.js';
import { FASHION_MNIST_DIR } from './images.js';
import { jobTypes } from './jobs.js';
import { s3ganStudyJob } from './study-job.js';
import { plannedRuns } from './study.js';

const specError = (field: string, reason: RegExp) => (e: unknown) => e instanceof JobSpecError && e.field === field && reason.test(e.reason);

describe('s3gan.study spec', () => {
  it('is registered and rejects bad fields by name', () => {
    assert.deepEqual(jobTypes.map((t) => t.name), ['s3gan.study']);
    assert.throws(() => s3ganStudyJob.validate({ variants: ['biggan'] }), specError('variants[0]', /unconditional, full-labels, s3gan/));
    assert.throws(() => s3ganStudyJob.validate({ labelFractions: [0.1, 2] }), specError('labelFractions[1]', /\[0.001, 1\]/));
    assert.throws(() => s3ganStudyJob.validate({ ganSteps: 1.5 }), specError('ganSteps', /integer/));
    assert.throws(() => s3ganStudyJob.validate({ nope: 1 }), specError('nope', /unknown field/));
    assert.throws(() => s3ganStudyJob.validate('x'), specError('spec', /object/));
    const spec = s3ganStudyJob.validate({});
    assert.deepEqual(plannedRuns(spec).map((r) => r.name), ['unconditional', 'full-labels', 's3gan-10pct', 's3gan-20pct']);
  });
});

describe('s3gan.study (in process, tiny)', function () {
  this.timeout(120_000);
  it('writes the table, summary and one PNG grid per variant', async function () {
    if (!existsSync(FASHION_MNIST_DIR)) this.skip(); // Debian package dataset-fashion-mnist
    const artifactDir = mkdtempSync(path.join(os.tmpdir(), 'nnsuite-s3gan-'));
    try {
      const progress: number[] = [];
      const spec = s3ganStudyJob.validate({
        labelFractions: [0.2], trainLimit: 200, ganSteps: 2, batchSize: 8, gChannels: 4, dChannels: 4, extractorWidth: 4,
        featureSteps: 5, featureDim: 8, pretrainSteps: 2, fineTuneSteps: 2, evalSamples: 40,
      });
      const result = await s3ganStudyJob.run(spec, localJobContext(artifactDir, {
        reportProgress: async (f) => { progress.push(f); },
      })) as Record<string, unknown>;
      for (const key of ['fid_unconditional', 'fid_full_labels', 'fid_s3gan_20pct', 'kid_s3gan_20pct', 'label_acc_20pct', 'class_acc_full_labels', 'class_acc_s3gan_20pct']) {
        assert.equal(typeof result[key], 'number', key);
      }
      assert.equal(progress.at(-1), 1);
      const saved = JSON.parse(readFileSync(path.join(artifactDir, 'results.json'), 'utf8'));
      assert.equal(saved.variants.length, 3);
      assert.match(readFileSync(path.join(artifactDir, 'summary.md'), 'utf8'), /\| s3gan-20pct \| 20\.0 % \+ inferred \|[\s\S]*not Inception FID/);
      const grid = PNG.sync.read(readFileSync(path.join(artifactDir, 'samples-s3gan-20pct.png')));
      assert.equal(grid.width, 10 * 58 + 2);
    } finally {
      rmSync(artifactDir, { recursive: true, force: true });
    }
  });
});
