// End to end through a plain grpc-js client: a real tfjs job run by a local worker process, watched as a
// server stream; its artifact downloaded; bad input answered with clear statuses.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { status as Status } from '@grpc/grpc-js';
import { JobState } from '../../gen/nnsuite/common/v1/job_pb.js';
import { TrainingService } from '../../gen/nnsuite/training/v1/training_pb.js';
import { collect } from '../runtime/testing.js';
import { eventually, useTestServer } from './training-test-harness.js';

const rpc = TrainingService.method;

describe('training service (grpc-js, local executor)', function () {
  this.timeout(300_000);
  const t = useTestServer();

  it('runs a real regression job, streaming its state and loss until it succeeds', async () => {
    const job = await t.client.unary(rpc.createJob, { job: { type: 'training.demo-regression', spec: { steps: 60, learningRate: 0.05, seed: 3 }, labels: { suite: 'e2e' } } });
    assert.equal(job.state, JobState.QUEUED);
    assert.match(job.name, /^jobs\/[0-9a-f-]{36}$/);

    const messages = await collect(t.client.serverStream(rpc.watchJob, { name: job.name }));
    const states = messages.map((m) => m.job!.state);
    assert.equal(states.at(-1), JobState.SUCCEEDED);
    assert.ok(states.includes(JobState.RUNNING), `states seen: ${states}`);
    const losses = messages.flatMap((m) => m.metrics).filter((p) => p.name === 'loss');
    assert.deepEqual(losses.map((p) => Number(p.step)), Array.from({ length: 60 }, (_, i) => i + 1), 'every step exactly once');
    assert.ok(losses.at(-1)!.value < losses[0].value / 2, `loss fell from ${losses[0].value} to ${losses.at(-1)!.value}`);

    const done = await t.client.unary(rpc.getJob, { name: job.name });
    assert.equal(done.attempts, 1);
    assert.equal(done.progress, 1);
    assert.equal(done.metrics.length, 60);
    assert.equal(done.result!.finalLoss, losses.at(-1)!.value);
    assert.deepEqual(done.artifacts.map((a) => a.path), ['checkpoint.json', 'loss.json']);

    const chunks = await collect(t.client.serverStream(rpc.downloadArtifact, { name: job.name, path: 'checkpoint.json' }));
    const downloaded = JSON.parse(Buffer.concat(chunks.map((c) => c.data)).toString());
    const onDisk = JSON.parse(readFileSync(path.join(t.dataDir, 'artifacts', job.name.slice(5), 'checkpoint.json'), 'utf8'));
    assert.deepEqual(downloaded, onDisk);
    assert.equal(downloaded.weights.length, 4, 'two dense layers: kernels and biases');
  });

  it('lists jobs with filters and AIP-158 pages', async () => {
    for (const seed of [1, 2, 3]) {
      const job = await t.client.unary(rpc.createJob, { job: { type: 'training.demo-regression', spec: { steps: 2, seed }, labels: { suite: 'list' } } });
      // Listing needs no training: cancelled at once, they leave the workers to the next tests.
      await t.client.unary(rpc.cancelJob, { name: job.name });
    }
    const first = await t.client.unary(rpc.listJobs, { pageSize: 2, labels: { suite: 'list' } });
    assert.equal(first.jobs.length, 2);
    assert.ok(first.nextPageToken);
    const second = await t.client.unary(rpc.listJobs, { pageSize: 2, pageToken: first.nextPageToken, labels: { suite: 'list' } });
    assert.equal(second.jobs.length, 1);
    assert.equal(second.nextPageToken, '');
    const seeds = [...first.jobs, ...second.jobs].map((j) => j.spec!.seed);
    assert.deepEqual(seeds, [3, 2, 1], 'newest first');
    const succeeded = await t.client.unary(rpc.listJobs, { state: JobState.SUCCEEDED, labels: { suite: 'e2e' } });
    assert.equal(succeeded.jobs.length, 1);
    assert.equal((await t.client.unary(rpc.listJobs, { state: JobState.CANCELLED, labels: { suite: 'list' } })).jobs.length, 3);
    const none = await t.client.unary(rpc.listJobs, { type: 'training.other' });
    assert.equal(none.jobs.length, 0);
    const types = await t.client.unary(rpc.listJobTypes, {});
    assert.ok(types.jobTypes.some((jt) => jt.name === 'training.demo-regression'));
  });

  it('cancels a running job: the worker is killed and the job ends CANCELLED', async () => {
    const job = await t.client.unary(rpc.createJob, { job: { type: 'training.demo-regression', spec: { steps: 1_000_000, reportEvery: 10 } } });
    const id = job.name.slice(5);
    await eventually(async () => ((await t.client.unary(rpc.getJob, { name: job.name })).metrics.length > 0 ? true : undefined), 'first metrics');
    const pid = t.executor.pid(id)!;
    const cancelled = await t.client.unary(rpc.cancelJob, { name: job.name });
    assert.equal(cancelled.state, JobState.CANCELLED);
    await eventually(() => (t.executor.pid(id) === undefined ? true : undefined), 'the worker to exit');
    assert.throws(() => process.kill(pid, 0), 'the worker process is gone');
    const again = await t.client.unary(rpc.cancelJob, { name: job.name }).catch((e) => e);
    assert.equal(again.code, Status.FAILED_PRECONDITION);
  });

  it('marks a job FAILED with the reason when its worker crashes', async () => {
    const job = await t.client.unary(rpc.createJob, { job: { type: 'training.demo-regression', spec: { steps: 1_000_000, reportEvery: 10 }, maxAttempts: 1 } });
    const id = job.name.slice(5);
    await eventually(async () => ((await t.client.unary(rpc.getJob, { name: job.name })).metrics.length > 0 ? true : undefined), 'first metrics');
    process.kill(t.executor.pid(id)!, 'SIGKILL');
    const failed = await eventually(async () => {
      const j = await t.client.unary(rpc.getJob, { name: job.name });
      return j.state === JobState.FAILED ? j : undefined;
    }, 'the job to fail');
    assert.match(failed.error, /killed by SIGKILL/);
  });

  it('fails a job whose training diverges, with the job\'s own reason and no retry', async () => {
    const job = await t.client.unary(rpc.createJob, { job: { type: 'training.demo-regression', spec: { steps: 200, learningRate: 100, hidden: 0 } } });
    const messages = await collect(t.client.serverStream(rpc.watchJob, { name: job.name }));
    const last = messages.at(-1)!.job!;
    assert.equal(last.state, JobState.FAILED);
    assert.match(last.error, /loss diverged/);
    assert.equal(last.attempts, 1);
  });

  it('answers bad input with clear statuses', async () => {
    // grpc-js leaves the percent-encoding of grpc-message in `details`.
    const code = (p: Promise<unknown>) => p.then(() => 'OK', (e) => `${Status[e.code]} ${decodeURIComponent(e.details)}`);
    assert.match(await code(t.client.unary(rpc.createJob, { job: { type: 'nope.nothing', spec: {} } })), /^INVALID_ARGUMENT job.type: unknown job type "nope.nothing"/);
    assert.match(await code(t.client.unary(rpc.createJob, { job: { type: 'training.demo-regression', spec: { steps: -1 } } })), /^INVALID_ARGUMENT job.spec.steps: must be in/);
    assert.match(await code(t.client.unary(rpc.createJob, { job: { type: 'training.demo-regression', spec: { stepz: 1 } } })), /^INVALID_ARGUMENT job.spec.stepz: unknown field/);
    assert.match(await code(t.client.unary(rpc.createJob, {})), /^INVALID_ARGUMENT job: is required/);
    assert.match(await code(t.client.unary(rpc.getJob, { name: 'jobs/00000000-0000-0000-0000-000000000000' })), /^NOT_FOUND job "00000000-0000-0000-0000-000000000000" not found/);
    assert.match(await code(t.client.unary(rpc.getJob, { name: 'bogus' })), /^INVALID_ARGUMENT name: must be "jobs\/\{job_id\}"/);
    assert.match(await code(t.client.unary(rpc.cancelJob, { name: 'jobs/missing' })), /^NOT_FOUND/);
    assert.match(await code(t.client.unary(rpc.listJobs, { pageToken: 'garbage!' })), /^INVALID_ARGUMENT page_token/);
    assert.match(await code(collect(t.client.serverStream(rpc.watchJob, { name: 'jobs/missing' }))), /^NOT_FOUND/);
    assert.match(await code(collect(t.client.serverStream(rpc.downloadArtifact, { name: 'jobs/missing', path: 'x.json' }))), /^NOT_FOUND/);
    assert.match(await code(t.client.unary(rpc.getStudy, { name: 'studies/missing' })), /^NOT_FOUND study/);
  });
});
