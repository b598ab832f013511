import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { JobSpecError } from '../ml/job-type.js';
import { rocAuc } from './auc.js';
import { PNEUMONIA_NPZ } from './datasets.js';
import { dataParallelJob, dataParallelTrialJob } from './dataparallel-job.js';
import { dataParallelSummaryJob } from './dataparallel-summary-job.js';
import { evaluationSteps } from './dataparallel.js';
import { recordingContext } from '../ml/recording-context.js';
import { MINI_DATAPARALLEL } from './test-fixtures.js';
import { transfusionJob } from './transfusion-job.js';

const specError = (field: string, reason: RegExp) => (e: unknown) => e instanceof JobSpecError && e.field === field && reason.test(e.reason);

describe('study job specs', () => {
  it('rejects bad fields by name', () => {
    assert.throws(() => dataParallelJob.validate({ batchSizes: [8, 0] }), specError('batchSizes[1]', /\[1, 4096\]/));
    assert.throws(() => dataParallelJob.validate({ optimizers: ['adam'] }), specError('optimizers[0]', /sgd, momentum/));
    assert.throws(() => dataParallelJob.validate({ learningRateRange: [1, 0.1] }), specError('learningRateRange', /low < high/));
    assert.throws(() => dataParallelJob.validate({ nope: 1 }), specError('nope', /unknown field/));
    assert.throws(() => dataParallelJob.validate([]), specError('spec', /object/));
    assert.throws(() => dataParallelTrialJob.validate({ optimizer: 'sgd', trial: 1 }), specError('batchSize', /finite number/));
    assert.throws(() => dataParallelTrialJob.validate({ batchSize: 8, trial: 0 }), specError('trial', /\[1, 256\]/));
    assert.throws(() => dataParallelTrialJob.validate({ batchSize: 8, trial: 1, batchSizes: [8] }), specError('batchSizes', /unknown field/));
    const trial = { optimizer: 'sgd', batchSize: 8, learningRate: 0.1, momentum: 0, stepsToTarget: null, finalAccuracy: 0.5, diverged: false };
    assert.equal(dataParallelSummaryJob.validate({ batchSizes: [8], optimizers: ['sgd'], trials: [trial] }).trials[0].stepsToTarget, null);
    assert.throws(() => dataParallelSummaryJob.validate({ batchSizes: [8], optimizers: ['sgd'], trials: [{ ...trial, learningRate: 'high' }] }), specError('trials[0].learningRate', /finite number/));
    assert.throws(() => dataParallelSummaryJob.validate({ batchSizes: [8], optimizers: ['sgd'], trials: {} }), specError('trials', /list/));
    assert.throws(() => transfusionJob.validate({ inits: ['imagenet'] }), specError('inits[0]', /random, transfer, meanvar, gabor/));
    assert.throws(() => transfusionJob.validate({ models: ['resnet-50'] }), specError('models[0]', /cbr-tiny, cbr-small, resnet/));
    assert.throws(() => transfusionJob.validate({ targetAuc: 2 }), specError('targetAuc', /\[0, 1\]/));
    assert.deepEqual(transfusionJob.validate({ inits: ['gabor', 'random'] }).inits, ['random', 'gabor']);
  });

  it('evaluates on a geometric grid and computes AUC by ranks', () => {
    const steps = evaluationSteps(100);
    assert.deepEqual(steps.slice(0, 10), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(steps.at(-1), 100);
    assert.ok(steps.length < 45);
    assert.equal(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75);
    assert.equal(rocAuc([1, 1, 1, 1], [0, 1, 0, 1]), 0.5);
  });
});

describe('studies.dataparallel (in process)', function () {
  this.timeout(120_000);
  it('finds the best steps-to-target per batch size and writes its artifacts', async () => {
    const ctx = recordingContext();
    try {
      const result = await dataParallelJob.run(dataParallelJob.validate(MINI_DATAPARALLEL), ctx) as any;
      assert.equal(result.trials, 16);
      for (const curve of result.curves) {
        const reached = curve.points.filter((p: any) => p.steps !== null);
        assert.ok(reached.length >= 2, `${curve.optimizer}: ${JSON.stringify(curve.points)}`);
        // More examples per step never needs more steps on this easy task.
        assert.ok(reached.at(-1).steps <= reached[0].steps, JSON.stringify(curve.points));
      }
      assert.equal(ctx.progress.at(-1), 1);
      const svg = readFileSync(path.join(ctx.artifactDir, 'steps-vs-batch.svg'), 'utf8');
      assert.match(svg, /^<svg[\s\S]*perfect scaling[\s\S]*<\/svg>$/);
      assert.match(readFileSync(path.join(ctx.artifactDir, 'summary.md'), 'utf8'), /\| sgd \| 4 \|/);
    } finally {
      ctx.remove();
    }
  });

  it('stops when cancelled', async () => {
    const abort = new AbortController();
    abort.abort();
    const ctx = recordingContext(abort.signal);
    try {
      await assert.rejects(dataParallelJob.run(dataParallelJob.validate(MINI_DATAPARALLEL), ctx), /cancelled/);
    } finally {
      ctx.remove();
    }
  });
});

describe('studies.transfusion (in process)', function () {
  this.timeout(150_000);
  it('fine-tunes from every init and measures AUC and per-block SVCCA', async function () {
    if (!existsSync(PNEUMONIA_NPZ)) return this.skip(); // shared PneumoniaMNIST absent
    const ctx = recordingContext();
    try {
      const spec = transfusionJob.validate({
        pretrainSteps: 4, fineTuneSteps: 6, batchSize: 8, evalEvery: 3, trainLimit: 64, svccaExamples: 60,
        source: 'synthetic', sourceExamples: 64, targetAuc: 0.5, models: ['cbr-tiny', 'resnet'],
      });
      const result = await transfusionJob.run(spec, ctx) as any;
      assert.deepEqual(result.results.map((r: any) => `${r.model} ${r.init}`), ['cbr-tiny', 'resnet'].flatMap((m) => ['random', 'transfer', 'meanvar', 'gabor'].map((i) => `${m} ${i}`)));
      for (const r of result.results) {
        assert.ok(r.testAuc >= 0 && r.testAuc <= 1);
        assert.equal(r.svccaBeforeAfter.length, 3);
        assert.ok(r.svccaBeforeAfter.every((s: number) => s > 0 && s <= 1));
        assert.equal(r.svccaVsRandom === null, r.init === 'random');
      }
      assert.match(readFileSync(path.join(ctx.artifactDir, 'summary.md'), 'utf8'), /subsample[\s\S]*\| cbr-tiny \| gabor \|[\s\S]*\| resnet \| gabor \|/);
      assert.match(readFileSync(path.join(ctx.artifactDir, 'val-auc.svg'), 'utf8'), /^<svg[\s\S]*resnet[\s\S]*<\/svg>$/);
    } finally {
      ctx.remove();
    }
  });
});
