import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'mocha';
import { JobSpecError, localJobContext } from '../ml/job-type.js';
import { checkGenome, compile } from './genome.js';
import { jobTypes } from './jobs.js';
import { allOf, loadDigits, mnistAccuracies, mnistTask, MNIST_DIR } from './mnist16.js';
import { loadStartGenome } from './search-job.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function context() {
  const artifactDir = mkdtempSync(path.join(tmpdir(), 'wann-job-'));
  dirs.push(artifactDir);
  const metrics: { values: Record<string, number>; step: number }[] = [];
  return { metrics, ctx: localJobContext(artifactDir, { reportMetrics: async (values, step) => void metrics.push({ values, step }) }) };
}

describe('wann.search job type', () => {
  const job = jobTypes.find((t) => t.name === 'wann.search')!;

  it('is exported and names bad spec fields', () => {
    assert.ok(job);
    assert.throws(() => job.validate({ task: 'go' }), (e: unknown) => e instanceof JobSpecError && e.field === 'task');
    assert.throws(() => job.validate({ population: 1 }), (e: unknown) => e instanceof JobSpecError && e.field === 'population');
    assert.throws(() => job.validate({ weights: [1, 'x'] }), (e: unknown) => e instanceof JobSpecError && e.field === 'weights[1]');
    assert.throws(() => job.validate({ nope: 1 }), (e: unknown) => e instanceof JobSpecError && e.field === 'nope');
    assert.equal(job.validate({ task: 'mnist16', secondObjective: 'ensemble' }).secondObjective, 'ensemble');
    assert.throws(() => job.validate({ task: 'swingup', secondObjective: 'ensemble' }), (e: unknown) => e instanceof JobSpecError && e.field === 'secondObjective');
    assert.equal(job.validate({ task: 'mnist16' }).fitness, 'accuracy');
    assert.equal(job.validate({ task: 'mnist16', fitness: 'logLikelihood' }).fitness, 'logLikelihood');
    assert.throws(() => job.validate({ task: 'swingup', fitness: 'logLikelihood' }), (e: unknown) => e instanceof JobSpecError && e.field === 'fitness');
    // ensembleLikelihood differs from accuracy only in the ensemble's score, so it ranks by the ensemble.
    assert.equal(job.validate({ task: 'mnist16', fitness: 'ensembleLikelihood' }).secondObjective, 'ensemble');
    assert.throws(() => job.validate({ task: 'mnist16', fitness: 'ensembleLikelihood', secondObjective: 'max' }), (e: unknown) => e instanceof JobSpecError && e.field === 'secondObjective');
  });

  it('runs a tiny swing-up search: metrics per generation, JSON and SVG artifacts', async () => {
    const { ctx, metrics } = context();
    const result = await job.run(job.validate({ task: 'swingup', population: 8, generations: 3, trials: 1, steps: 100 }), ctx);
    assert.deepEqual(metrics.map((m) => m.step), [0, 1, 2]);
    const saved = JSON.parse(readFileSync(path.join(ctx.artifactDir, 'best-network.json'), 'utf8'));
    checkGenome(saved.genome);
    assert.equal(saved.evaluation.perWeight.length, 6);
    assert.equal(result.evaluation.connections, saved.genome.connections.filter((c: { enabled: boolean }) => c.enabled).length);
    assert.match(readFileSync(path.join(ctx.artifactDir, 'best-network.svg'), 'utf8'), /^<svg[\s\S]*<circle/);
  });

  it('runs a tiny MNIST 16×16 search with per-weight, ensemble and tuned accuracies', async function () {
    if (!existsSync(MNIST_DIR)) return this.skip();
    const { ctx } = context();
    const result = await job.run(job.validate({ task: 'mnist16', population: 6, generations: 2, trainExamples: 200, batch: 100, testExamples: 100 }), ctx);
    const e = result.evaluation;
    for (const v of [...e.perWeight.map((p: { value: number }) => p.value), e.ensemble, e.tuned]) assert.ok(v >= 0 && v <= 1);
    assert.ok(e.connections > 0);
  });

  it('gives the same result with the population scored on worker threads', async () => {
    const spec = { task: 'swingup', population: 8, generations: 3, trials: 1, steps: 60 };
    const serial = await job.run(job.validate(spec), context().ctx);
    const parallel = await job.run(job.validate({ ...spec, workers: 2 }), context().ctx);
    assert.deepEqual(parallel.evaluation, serial.evaluation);
    assert.deepEqual(parallel.history, serial.history);
    assert.throws(() => job.validate({ workers: -1 }), (e: unknown) => e instanceof JobSpecError && e.field === 'workers');
  });

  it('continues from an earlier search\'s best network; a missing or mismatched one is a spec error', async () => {
    const spec = { task: 'swingup', population: 6, generations: 2, trials: 1, steps: 50 };
    const first = context().ctx;
    await job.run(job.validate(spec), first);
    const saved = path.join(first.artifactDir, 'best-network.json');
    const result = await job.run(job.validate({ ...spec, startFrom: saved, seed: 2 }), context().ctx);
    // Every operator keeps or adds enabled connections, so every descendant has at least the start's.
    assert.ok(result.evaluation.connections >= JSON.parse(readFileSync(saved, 'utf8')).evaluation.connections);
    const refused = (startFrom: string, task: string, reason: RegExp) => assert.rejects(job.run(job.validate({ ...spec, task, startFrom }), context().ctx),
      (e: unknown) => e instanceof JobSpecError && e.field === 'startFrom' && reason.test(e.reason));
    await refused(path.join(first.artifactDir, 'nothing.json'), 'swingup', /ENOENT/);
    await refused(path.join(first.artifactDir, 'best-network.svg'), 'swingup', /JSON/);
    if (existsSync(MNIST_DIR)) await refused(saved, 'mnist16', /task swingup, not mnist16/);
  });

  it('the committed MNIST network (models/wann/mnist16) loads as a start and scores on the test set what it records', async function () {
    if (!existsSync(MNIST_DIR)) return this.skip();
    const file = path.resolve('models/wann/mnist16/best-network.json');
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    const spec = job.validate({ task: 'mnist16', startFrom: file });
    const genome = await loadStartGenome(file, spec, mnistTask(loadDigits(MNIST_DIR, 'train', 10), 10, 1));
    const test = allOf(loadDigits(MNIST_DIR, 't10k', spec.testExamples));
    const { perWeight, ensemble } = mnistAccuracies(compile(genome), test, spec.weights);
    assert.deepEqual(perWeight, saved.evaluation.perWeight.map((p: { value: number }) => p.value));
    assert.equal(ensemble, saved.evaluation.ensemble);
  });

  it('ends after the generation that passes the time budget', async () => {
    const result = await job.run(job.validate({ task: 'swingup', population: 4, generations: 50, steps: 20, minutes: 1e-7 }), context().ctx);
    assert.equal(result.history.length, 1);
  });

  it('stops when cancelled', async () => {
    const { ctx } = context();
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(job.run(job.validate({ task: 'swingup', population: 4, generations: 5, steps: 10 }), { ...ctx, signal: controller.signal }), /cancelled/);
  });
});
