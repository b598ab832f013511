// A miniature data-parallel study end to end through the training orchestrator: a plain grpc-js client
// creates the job, a local worker process runs it, the result and artifacts come back.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JobState } from '../../gen/nnsuite/common/v1/job_pb.js';
import { TrainingService } from '../../gen/nnsuite/training/v1/training_pb.js';
import { grpcClient, type GrpcTestClient } from '../runtime/testing.js';
import { JobRegistry } from '../training/job-registry.js';
import { LocalExecutor } from '../training/local-executor.js';
import { eventually } from '../training/training-test-harness.js';
import { startTrainingServer, type TrainingServer } from '../training/training-server.js';
import { MINI_DATAPARALLEL } from './test-fixtures.js';
import { jobTypes } from './jobs.js';

const QUIET_ENV = { ...process.env, NNSUITE_LOG_LEVEL: 'warn' };
const rpc = TrainingService.method;

describe('studies through the orchestrator (grpc-js, local executor)', function () {
  this.timeout(200_000);
  let dataDir: string;
  let training: TrainingServer;
  let client: GrpcTestClient;

  before(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'nnsuite-studies-orch-'));
    training = await startTrainingServer({
      dataDir, port: 0, httpPort: 0, env: QUIET_ENV,
      executor: new LocalExecutor({ capacity: 1, killGraceMs: 2000 }), registry: new JobRegistry().register(...jobTypes),
    });
    client = grpcClient(TrainingService, `127.0.0.1:${training.running.port}`);
  });
  after(async () => {
    client.close();
    await training.close();
    rmSync(dataDir, { recursive: true, force: true });
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
