// Miniature studies end to end through the training orchestrator (local executor, two workers): the
// data-parallel study as one orchestrator job per trial, gathered by a Connect client; the whole study as
// one job with a plain grpc-js client, its result and artifacts coming back.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from '@connectrpc/connect';
import { createGrpcTransport, Http2SessionManager } from '@connectrpc/connect-node';
import { JobState } from '../../gen/nnsuite/common/v1/job_pb.js';
import { TrainingService } from '../../gen/nnsuite/training/v1/training_pb.js';
import { grpcClient, type GrpcTestClient } from '../runtime/testing.js';
import { JobRegistry } from '../training/job-registry.js';
import { LocalExecutor } from '../training/local-executor.js';
import { eventually } from '../training/training-test-harness.js';
import { startTrainingServer, type TrainingServer } from '../training/training-server.js';
import { dataParallelJob } from './dataparallel-job.js';
import { downloadArtifacts, runDataParallelStudy } from './dataparallel-study.js';
import { trialPoint } from './dataparallel.js';
import { MINI_DATAPARALLEL } from './test-fixtures.js';
import { jobTypes } from './jobs.js';

const QUIET_ENV = { ...process.env, NNSUITE_LOG_LEVEL: 'warn' };
const rpc = TrainingService.method;

describe('studies through the orchestrator (grpc-js, local executor)', function () {
  this.timeout(200_000);
  let dataDir: string;
  let training: TrainingServer;
  let client: GrpcTestClient;
  let sessions: Http2SessionManager;
  let connect: Client<typeof TrainingService>;

  before(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'nnsuite-studies-orch-'));
    training = await startTrainingServer({
      dataDir, port: 0, httpPort: 0, env: QUIET_ENV,
      executor: new LocalExecutor({ capacity: 2, killGraceMs: 2000, env: { NNSUITE_TF_BACKEND: 'cpu' } }), registry: new JobRegistry().register(...jobTypes),
    });
    client = grpcClient(TrainingService, `127.0.0.1:${training.running.port}`);
    sessions = new Http2SessionManager(`http://127.0.0.1:${training.running.port}`);
    connect = createClient(TrainingService, createGrpcTransport({ baseUrl: `http://127.0.0.1:${training.running.port}`, sessionManager: sessions }));
  });
  after(async () => {
    sessions.abort();
    client.close();
    await training.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs the data-parallel study as one orchestrator job per trial, two at a time, and gathers them', async () => {
    const spec = dataParallelJob.validate({ ...MINI_DATAPARALLEL, batchSizes: [8, 32], trialsPerBatch: 2 });
    const run = await runDataParallelStudy(connect, spec, 2);
    assert.deepEqual(run.failedTrials, []);
    const summary = await client.unary(rpc.getJob, { name: run.summaryJob }) as any;
    assert.equal(summary.state, JobState.SUCCEEDED, summary.error);
    assert.deepEqual(summary.result.curves, JSON.parse(JSON.stringify(run.result.curves)));
    const out = mkdtempSync(path.join(os.tmpdir(), 'nnsuite-studies-summary-'));
    try {
      await downloadArtifacts(connect, run.summaryJob, ['steps-vs-batch.svg', 'summary.md'], out);
      assert.match(readFileSync(path.join(out, 'steps-vs-batch.svg'), 'utf8'), /^<svg[\s\S]*three-regime fit[\s\S]*<\/svg>$/);
      assert.match(readFileSync(path.join(out, 'summary.md'), 'utf8'), /\| momentum \| 32 \|/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
    const jobs = (await client.unary(rpc.listJobs, { study: run.study }) as any).jobs;
    assert.equal(jobs.length, 8, 'optimizer × batch size × Halton point');
    assert.ok(jobs.every((j: any) => j.type === 'studies.dataparallel-trial' && j.state === JobState.SUCCEEDED));
    const spans = jobs.map((j: any) => [Number(j.startTime.seconds) * 1e3 + j.startTime.nanos / 1e6, Number(j.endTime.seconds) * 1e3 + j.endTime.nanos / 1e6]);
    assert.ok(spans.some(([s, e]: number[], i: number) => spans.some(([s2]: number[], k: number) => k !== i && s2 >= s && s2 < e)), 'two trials ran at once');
    assert.equal(run.result.trials.length, 8);
    for (const t of run.result.trials) assert.deepEqual([t.learningRate, t.momentum], Object.values(trialPoint(t.optimizer, run.result.trials.filter((u) => u.optimizer === t.optimizer && u.batchSize === t.batchSize).indexOf(t) + 1, spec)));
    for (const curve of run.result.curves) {
      assert.deepEqual(curve.points.map((p) => p.batchSize), [8, 32]);
      assert.ok(curve.points.some((p) => p.steps !== null), `${curve.optimizer}: ${JSON.stringify(curve.points)}`);
    }
  });

  it('runs a miniature studies.dataparallel job and serves its plot', async () => {
    const types = await client.unary(rpc.listJobTypes, {}) as any;
    assert.ok(types.jobTypes.some((t: any) => t.name === 'studies.transfusion'));
    const job = await client.unary(rpc.createJob, { job: { type: 'studies.dataparallel', spec: { ...MINI_DATAPARALLEL, batchSizes: [8, 32], trialsPerBatch: 1 } } }) as any;
    const done = await eventually(async () => {
      const j = await client.unary(rpc.getJob, { name: job.name }) as any;
      return [JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED].includes(j.state) ? j : undefined;
    }, 'the orchestrated study', 180_000);
    assert.equal(done.state, JobState.SUCCEEDED, done.error);
    assert.equal(done.result.trials, 4);
    assert.deepEqual(done.result.curves.map((c: any) => c.optimizer), ['sgd', 'momentum']);
    const chunks = await collect(client.serverStream(rpc.downloadArtifact, { name: job.name, path: 'steps-vs-batch.svg' }));
    assert.match(Buffer.concat(chunks.map((c: any) => Buffer.from(c.data))).toString('utf8'), /<svg/);
  });

  it('rejects a bad spec with INVALID_ARGUMENT naming the field', async () => {
    await assert.rejects(client.unary(rpc.createJob, { job: { type: 'studies.transfusion', spec: { inits: ['imagenet'] } } }),
      (e: any) => e.code === 3 && /job\.spec\.inits\[0\]/.test(decodeURIComponent(e.details)));
  });
});

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of stream) out.push(x);
  return out;
}
