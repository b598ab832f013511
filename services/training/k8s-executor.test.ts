// The Kubernetes executor against a fake API server that checks each request it receives (create, list,
// watch, delete); its fake kubelet runs the real worker, which uploads its artifacts over gRPC.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { JobState } from '../../gen/nnsuite/common/v1/job_pb.js';
import { TrainingService } from '../../gen/nnsuite/training/v1/training_pb.js';
import { collect, grpcClient, type GrpcTestClient } from '../runtime/testing.js';
import { JobRegistry } from './job-registry.js';
import { jobTypes } from './jobs.js';
import { FakeKubernetesApi } from './k8s-fake-api.js';
import { KubernetesExecutor } from './k8s-executor.js';
import { parseJobTemplate } from './k8s-job-manifest.js';
import { startTrainingServer, type TrainingServer } from './training-server.js';
import { eventually, QUIET_ENV, tempDataDir } from './training-test-harness.js';

const rpc = TrainingService.method;
const NAMESPACE = 'nnsuite-test';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('Kubernetes executor (fake API server)', function () {
  this.timeout(600_000);
  const data = tempDataDir();
  const api = new FakeKubernetesApi(NAMESPACE, { ...process.env, NNSUITE_TF_BACKEND: 'cpu' });
  let port: number;
  let server: TrainingServer;
  let client: GrpcTestClient;

  async function startServer(): Promise<void> {
    // Workers reach the orchestrator at the template's address, so the port is chosen before the server starts.
    const template = parseJobTemplate({ image: 'nnsuite:test', namespace: NAMESPACE, orchestratorAddress: `127.0.0.1:${port}`, backoffLimit: 0, ttlSecondsAfterFinished: 600 });
    const executor = new KubernetesExecutor(api.kubeConfig(), template, { capacity: 4, rewatchDelayMs: 100 });
    server = await startTrainingServer({ dataDir: data.dir, port, httpPort: 0, shutdownGraceMs: 1000, env: QUIET_ENV, executor, registry: new JobRegistry().register(...jobTypes) });
    client = grpcClient(TrainingService, `127.0.0.1:${port}`);
  }
  async function stopServer(): Promise<void> {
    client.close();
    await server.close();
  }
  const requestsFor = (method: string, predicate: (path: string) => boolean = () => true) => api.requests.filter((r) => r.method === method && predicate(r.path));

  before(async () => {
    await api.start();
    port = await freePort();
    await startServer();
  });
  after(async () => {
    await stopServer();
    await api.close();
    data.remove();
  });

  it('creates a batch/v1 Job, follows it with a watch, and gets the artifacts uploaded by the worker', async () => {
    const job = await client.unary(rpc.createJob, { job: { type: 'training.demo-regression', spec: { steps: 20 }, gpuCount: 1 } });
    const id = job.name.slice(5);
    const done = (await collect(client.serverStream(rpc.watchJob, { name: job.name }))).at(-1)!.job!;
    assert.equal(done.state, JobState.SUCCEEDED, done.error);
    assert.equal(done.executor, 'kubernetes');

    const [create] = requestsFor('POST');
    assert.equal(create.path, `/apis/batch/v1/namespaces/${NAMESPACE}/jobs`);
    assert.equal(create.authorization, 'Bearer test-token');
    const manifest = create.body as { metadata: { name: string; labels: Record<string, string> }; spec: { template: { spec: { containers: { args: string[]; resources: { limits: Record<string, string> } }[] } } } };
    assert.equal(manifest.metadata.name, `nnsuite-${id}-1`);
    assert.equal(manifest.metadata.labels['nnsuite.dev/job-id'], id);
    assert.equal(manifest.spec.template.spec.containers[0].resources.limits['nvidia.com/gpu'], '1');
    assert.ok(!manifest.spec.template.spec.containers[0].args.includes('--artifact-dir'), 'a pod does not share the orchestrator disk');

    const watch = requestsFor('GET').find((r) => r.query.get('watch') === 'true')!;
    assert.equal(watch.query.get('labelSelector'), 'app.kubernetes.io/managed-by=nnsuite-training');

    const full = await client.unary(rpc.getJob, { name: job.name });
    assert.deepEqual(full.artifacts.map((a) => a.path), ['checkpoint.json', 'loss.json']);
    assert.ok(existsSync(path.join(data.dir, 'artifacts', id, 'checkpoint.json')), 'uploaded into the orchestrator artifact folder');
    assert.equal(full.metrics.length, 20);
  });

  it('cancel deletes the Job (pods too) and the watch frees the slot', async () => {
    const job = await client.unary(rpc.createJob, { job: { type: 'training.demo-regression', spec: { steps: 1_000_000, reportEvery: 10 } } });
    await eventually(async () => ((await client.unary(rpc.getJob, { name: job.name })).metrics.length > 0 ? true : undefined), 'the pod to report');
    await client.unary(rpc.cancelJob, { name: job.name });
    const name = `nnsuite-${job.name.slice(5)}-1`;
    const del = await eventually(() => requestsFor('DELETE', (p) => p.endsWith(`/jobs/${name}`))[0], 'the DELETE request');
    const policy = del.query.get('propagationPolicy') ?? (del.body as { propagationPolicy?: string } | undefined)?.propagationPolicy;
    assert.equal(policy, 'Background');
    assert.equal(api.jobs.has(name), false);
    assert.equal((await client.unary(rpc.getJob, { name: job.name })).state, JobState.CANCELLED);
  });

  it('a Job that fails without a report is retried as a new Job, then FAILED with the cluster reason', async () => {
    api.mode = 'fail';
    const job = await client.unary(rpc.createJob, { job: { type: 'training.demo-regression', spec: { steps: 5 }, maxAttempts: 2 } });
    const failed = await eventually(async () => {
      const j = await client.unary(rpc.getJob, { name: job.name });
      return j.state === JobState.FAILED ? j : undefined;
    }, 'the job to fail');
    api.mode = 'run';
    assert.equal(failed.attempts, 2);
    assert.match(failed.error, /BackoffLimitExceeded/);
    const id = job.name.slice(5);
    assert.deepEqual(requestsFor('POST').map((r) => (r.body as { metadata: { name: string } }).metadata.name).filter((n) => n.includes(id)), [`nnsuite-${id}-1`, `nnsuite-${id}-2`]);
  });

  it('re-attaches to its Jobs by label after a restart instead of starting them again', async () => {
    api.mode = 'hold';
    const job = await client.unary(rpc.createJob, { job: { type: 'training.demo-regression', spec: { steps: 5 } } });
    const name = `nnsuite-${job.name.slice(5)}-1`;
    await eventually(() => (api.jobs.has(name) ? true : undefined), 'the Job to be created');
    await stopServer();
    const listsBefore = requestsFor('GET').filter((r) => r.query.get('watch') !== 'true').length;
    await startServer();
    api.mode = 'run';
    const list = requestsFor('GET').filter((r) => r.query.get('watch') !== 'true');
    assert.equal(list.length, listsBefore + 1, 'listed the Jobs once at start');
    assert.equal(list.at(-1)!.query.get('labelSelector'), 'app.kubernetes.io/managed-by=nnsuite-training');
    assert.equal((await client.unary(rpc.getJob, { name: job.name })).state, JobState.RUNNING, 'still running, not retried');
    api.release(name);
    const done = (await collect(client.serverStream(rpc.watchJob, { name: job.name }))).at(-1)!.job!;
    assert.equal(done.state, JobState.SUCCEEDED, done.error);
    assert.equal(done.attempts, 1);
    assert.equal(requestsFor('POST').filter((r) => (r.body as { metadata: { name: string } }).metadata.name === name).length, 1, 'created once');
  });
});
