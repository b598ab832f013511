import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toJson } from '@bufbuild/protobuf';
import { JobState } from '../../gen/nnsuite/common/v1/job_pb.js';
import { MorphnetService, NetworkSchema, Target } from '../../gen/nnsuite/morphnet/v1/morphnet_pb.js';
import { serve, type RunningService } from '../runtime/serve.js';
import { grpcClient, grpcError, type GrpcTestClient } from '../runtime/testing.js';
import { JobRegistry } from '../training/job-registry.js';
import { LocalExecutor } from '../training/local-executor.js';
import { eventually } from '../training/training-test-harness.js';
import { startTrainingServer, type TrainingServer } from '../training/training-server.js';
import { vggLike } from './example-networks.js';
import { jobTypes } from './jobs.js';
import { networkToProto } from './network-proto.js';
import { createMorphnetService } from './service.js';
import { tinyNet } from './test-fixtures.js';

const QUIET_ENV = { ...process.env, NNSUITE_LOG_LEVEL: 'warn' };
const rpc = Object.fromEntries(MorphnetService.methods.map((m) => [m.localName, m])) as Record<'analyzeCost' | 'morph' | 'getStructure', (typeof MorphnetService.methods)[number]>;


const tinySpec = (extra: Record<string, unknown> = {}) => ({
  network: networkToProto(tinyNet(8, 8)), target: Target.FLOPS, strength: 20, dataset: 'synthetic',
  trainSteps: 30, retrainSteps: 40, batchSize: 32, seed: 3, ...extra,
});

describe('morphnet service (grpc-js client)', function () {
  this.timeout(200_000);
  let dataDir: string;
  let running: RunningService;
  let client: GrpcTestClient;

  before(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'nnsuite-morphnet-svc-'));
    running = await serve(createMorphnetService({}), { port: 0, httpPort: 0, dataDir, env: QUIET_ENV });
    await running.ready;
    client = grpcClient(MorphnetService, `127.0.0.1:${running.port}`);
  });
  after(async () => {
    client.close();
    await running.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('AnalyzeCost gives per-layer FLOPs, params and measured latency', async () => {
    const res = await client.unary(rpc.analyzeCost, { network: networkToProto(vggLike()), measureLatency: true }) as any;
    const conv2 = res.layers.find((l: any) => l.name === 'conv2');
    assert.equal(conv2.flops, BigInt(9 * 28 * 28 * 32 * 32));
    assert.deepEqual(conv2.outputShape, [28, 28, 32]);
    assert.equal(res.totalFlops, res.layers.reduce((s: bigint, l: any) => s + l.flops, 0n));
    assert.ok(res.layers.every((l: any) => l.latencyUs > 0), 'every layer timed');
    assert.ok(res.backend.length > 0);
  });

  it('answers bad input with INVALID_ARGUMENT or NOT_FOUND naming the problem', async () => {
    const broken = networkToProto(vggLike());
    broken.layers[4].inputs = ['conv9'];
    let e = await grpcError(client.unary(rpc.analyzeCost, { network: broken }));
    assert.equal(e.code, 3);
    assert.match(e.details, /network.layers\["pool1"\]: input "conv9" is not an earlier layer/);
    e = await grpcError(client.unary(rpc.morph, { network: networkToProto(tinyNet()) }));
    assert.equal(e.code, 3);
    assert.match(e.details, /^target: must be TARGET_FLOPS/);
    e = await grpcError(client.unary(rpc.morph, { network: networkToProto(tinyNet()), target: 9 as Target }));
    assert.match(e.details, /^target: /);
    e = await grpcError(client.unary(rpc.morph, { ...tinySpec(), budget: 50 }));
    assert.equal(e.code, 3);
    assert.match(e.details, /^budget: budget 50 is below/);
    // A latency budget is checked against latencies measured on the backend.
    e = await grpcError(client.unary(rpc.morph, { ...tinySpec(), target: Target.LATENCY, budget: 1e-6 }));
    assert.match(e.details, /^budget: budget 0.000001 is below/);
    e = await grpcError(client.unary(rpc.morph, { ...tinySpec(), dataset: 'imagenet' }));
    assert.match(e.details, /^dataset: must be one of/);
    e = await grpcError(client.unary(rpc.analyzeCost, {}));
    assert.match(e.details, /^network: is required/);
    e = await grpcError(client.unary(rpc.getStructure, { job: 'jobs/nope' }));
    assert.equal(e.code, 5);
    const huge = networkToProto(vggLike([32, 32, 64, 100_000], 128));
    e = await grpcError(client.unary(rpc.analyzeCost, { network: huge, measureLatency: true }));
    assert.equal(e.code, 8);
    assert.match(e.details, /parameters exceed this service's limit/);
    // Costing alone builds nothing, so any size is fine.
    const costed = await client.unary(rpc.analyzeCost, { network: huge }) as any;
    assert.ok(costed.totalParams > 20_000_000n);
  });

  it('runs a miniature MorphNet cycle through Morph and GetStructure', async () => {
    const { job } = await client.unary(rpc.morph, tinySpec()) as any;
    assert.equal(job.type, 'morphnet.morph');
    const done = await eventually(async () => {
      const res = await client.unary(rpc.getStructure, { job: job.name.slice('jobs/'.length) }) as any;
      return res.job.state === JobState.SUCCEEDED || res.job.state === JobState.FAILED ? res : undefined;
    }, 'the morph job', 170_000);
    assert.equal(done.job.state, JobState.SUCCEEDED, done.job.error);
    assert.ok(done.shrunk.flops < done.seed.flops);
    assert.ok(done.expanded.flops <= done.seed.flops);
    assert.ok(done.widthMultiplier > 1);
    assert.equal(done.expanded.network.layers.length, done.shrunk.network.layers.length);
    assert.ok(done.expandedAccuracy > 0.5);
    assert.ok(done.job.metrics.some((m: any) => m.name === 'alive_cost'));
  });
});

describe('morphnet service through the training orchestrator', function () {
  this.timeout(200_000);
  let dataDir: string;
  let training: TrainingServer;
  let running: RunningService;
  let client: GrpcTestClient;

  before(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'nnsuite-morphnet-orch-'));
    training = await startTrainingServer({
      dataDir: path.join(dataDir, 'training'), port: 0, httpPort: 0, env: QUIET_ENV,
      executor: new LocalExecutor({ capacity: 1, killGraceMs: 2000 }), registry: new JobRegistry().register(...jobTypes),
    });
    running = await serve(createMorphnetService({ trainingAddress: `127.0.0.1:${training.running.port}` }), { port: 0, httpPort: 0, dataDir, env: QUIET_ENV });
    client = grpcClient(MorphnetService, `127.0.0.1:${running.port}`);
  });
  after(async () => {
    client.close();
    await running.close();
    await training.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts the job on the training service and reads its structure back', async () => {
    const { job } = await client.unary(rpc.morph, tinySpec({ trainSteps: 10, retrainSteps: 5 })) as any;
    assert.match(job.name, /^jobs\//);
    assert.equal(job.executor, 'local');
    assert.deepEqual((job.spec as any).network, toJson(NetworkSchema, networkToProto(tinyNet(8, 8))));
    const done = await eventually(async () => {
      const res = await client.unary(rpc.getStructure, { job: job.name }) as any;
      return [JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED].includes(res.job.state) ? res : undefined;
    }, 'the orchestrated morph job', 170_000);
    assert.equal(done.job.state, JobState.SUCCEEDED, done.job.error);
    assert.ok(done.expanded.flops <= done.seed.flops);
    assert.ok(done.shrunk.network.layers.length > 0);
  });
});
