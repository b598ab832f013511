// A restart of the service mid-job loses nothing: the queued job stays queued, the running local job is
// found RUNNING, marked, and retried as attempt 2, and both finish.
import assert from 'node:assert/strict';
import path from 'node:path';
import { JobState } from '../../gen/nnsuite/common/v1/job_pb.js';
import { TrainingService } from '../../gen/nnsuite/training/v1/training_pb.js';
import { collect } from '../runtime/testing.js';
import { JobStore } from './job-store.js';
import { eventually, startTestServer, tempDataDir } from './training-test-harness.js';

const rpc = TrainingService.method;

describe('training service restart', function () {
  this.timeout(600_000);
  const data = tempDataDir();
  after(() => data.remove());

  it('keeps queued jobs and retries the interrupted one after a restart', async () => {
    const first = await startTestServer(data.dir, { capacity: 1 });
    const long = await first.client.unary(rpc.createJob, { job: { type: 'training.demo-regression', spec: { steps: 300, reportEvery: 20 } } });
    const queued = await first.client.unary(rpc.createJob, { job: { type: 'training.demo-regression', spec: { steps: 3 } } });
    await eventually(async () => ((await first.client.unary(rpc.getJob, { name: long.name })).metrics.length > 0 ? true : undefined), 'the long job to report');
    await first.close();

    // What the restarted service will find on disk.
    const store = new JobStore(path.join(data.dir, 'jobs.db'));
    const [longId, queuedId] = [long.name.slice(5), queued.name.slice(5)];
    assert.equal(store.get(longId)!.state, 'RUNNING');
    assert.equal(store.get(longId)!.attempts, 1);
    assert.equal(store.get(queuedId)!.state, 'QUEUED');
    store.close();

    const second = await startTestServer(data.dir, { capacity: 1 });
    try {
      const watched = await collect(second.client.serverStream(rpc.watchJob, { name: long.name }));
      const done = watched.at(-1)!.job!;
      assert.equal(done.state, JobState.SUCCEEDED);
      assert.equal(done.attempts, 2, 'retried once');
      const job = await second.client.unary(rpc.getJob, { name: long.name });
      assert.deepEqual(job.metrics.map((m) => Number(m.step)), Array.from({ length: 15 }, (_, i) => 20 * (i + 1)), 'the retry reported the whole series once');
      const other = await eventually(async () => {
        const j = await second.client.unary(rpc.getJob, { name: queued.name });
        return j.state === JobState.SUCCEEDED ? j : undefined;
      }, 'the queued job to run');
      assert.equal(other.attempts, 1);
    } finally {
      await second.close();
    }
  });
});
