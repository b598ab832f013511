// The same miniature data-parallel study, unchanged, on the Kubernetes executor: a fake API server takes the
// batch/v1 Jobs and its fake kubelet runs the real worker for each (no shared disk, so the summary job's
// artifacts come back through UploadArtifact).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from '@connectrpc/connect';
import { createGrpcTransport, Http2SessionManager } from '@connectrpc/connect-node';
import { JobState } from '../../gen/nnsuite/common/v1/job_pb.js';
import { TrainingService } from '../../gen/nnsuite/training/v1/training_pb.js';
import { freePort } from '../runtime/testing.js';
import { JobRegistry } from '../training/job-registry.js';
import { KubernetesExecutor } from '../training/k8s-executor.js';
import { FakeKubernetesApi } from '../training/k8s-fake-api.js';
import { parseJobTemplate } from '../training/k8s-job-manifest.js';
import { QUIET_ENV, tempDataDir } from '../training/training-test-harness.js';
import { startTrainingServer, type TrainingServer } from '../training/training-server.js';
import { dataParallelJob } from './dataparallel-job.js';
import { downloadArtifacts, runDataParallelStudy } from './dataparallel-study.js';
import { jobTypes } from './jobs.js';
import { MINI_DATAPARALLEL } from './test-fixtures.js';

const NAMESPACE = 'nnsuite-studies-test';

describe('the data-parallel study as Kubernetes Jobs (fake API server, real workers)', function () {
  this.timeout(300_000);
  const data = tempDataDir();
  const api = new FakeKubernetesApi(NAMESPACE, { ...process.env, NNSUITE_TF_BACKEND: 'cpu' });
  let server: TrainingServer;
  let sessions: Http2SessionManager;
  let client: Client<typeof TrainingService>;

  before(async () => {
    await api.start();
    // Pods reach the orchestrator at the template's address, so its port is chosen first.
    const port = await freePort();
    const template = parseJobTemplate({ image: 'nnsuite:test', namespace: NAMESPACE, orchestratorAddress: `127.0.0.1:${port}`, backoffLimit: 0, ttlSecondsAfterFinished: 600 });
    const executor = new KubernetesExecutor(api.kubeConfig(), template, { capacity: 2, rewatchDelayMs: 100 });
    server = await startTrainingServer({ dataDir: data.dir, port, httpPort: 0, shutdownGraceMs: 1000, env: QUIET_ENV, executor, registry: new JobRegistry().register(...jobTypes) });
    sessions = new Http2SessionManager(`http://127.0.0.1:${port}`);
    client = createClient(TrainingService, createGrpcTransport({ baseUrl: `http://127.0.0.1:${port}`, sessionManager: sessions }));
  });
  after(async () => {
    sessions.abort();
    await server.close();
    await api.close();
    data.remove();
  });

  it('runs each trial and the summary as a batch/v1 Job and serves the uploaded plot', async () => {
    const spec = dataParallelJob.validate({ ...MINI_DATAPARALLEL, batchSizes: [8, 32], trialsPerBatch: 1 });
    const run = await runDataParallelStudy(client, spec, 2);
    assert.deepEqual(run.failedTrials, []);
    assert.equal(run.result.trials.length, 4);
    const jobs = (await client.listJobs({ pageSize: 100 })).jobs;
    assert.deepEqual(jobs.map((j) => j.type).sort(), ['studies.dataparallel-summary', ...Array(4).fill('studies.dataparallel-trial')]);
    assert.ok(jobs.every((j) => j.executor === 'kubernetes' && j.state === JobState.SUCCEEDED));
    assert.equal(api.requests.filter((r) => r.method === 'POST' && r.path === `/apis/batch/v1/namespaces/${NAMESPACE}/jobs`).length, 5);
    const out = mkdtempSync(path.join(os.tmpdir(), 'nnsuite-studies-k8s-'));
    try {
      await downloadArtifacts(client, run.summaryJob, ['steps-vs-batch.svg'], out);
      assert.match(readFileSync(path.join(out, 'steps-vs-batch.svg'), 'utf8'), /^<svg[\s\S]*perfect scaling[\s\S]*<\/svg>$/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
