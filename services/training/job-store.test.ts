// The job state machine and its SQLite store: transitions allowed and refused, retry policy, filters, pages.
import assert from 'node:assert/strict';
import path from 'node:path';
import { afterInterruption, canTransition, InvalidTransitionError, isTerminal, JOB_STATES, type JobRecord } from './job-state.js';
import { InvalidPageTokenError, JobStore } from './job-store.js';
import { tempDataDir } from './training-test-harness.js';

function job(id: string, fields: Partial<JobRecord> = {}): JobRecord {
  return { id, type: 'training.demo-regression', spec: { steps: 1 }, state: 'QUEUED', progress: 0, attempts: 0, maxAttempts: 2, executor: 'local', error: '', labels: {}, study: '', gpuCount: 0, createTime: 1, ...fields };
}

describe('job state machine', () => {
  it('allows exactly the lifecycle edges', () => {
    const allowed = JOB_STATES.flatMap((from) => JOB_STATES.filter((to) => canTransition(from, to)).map((to) => `${from}→${to}`));
    assert.deepEqual(allowed.sort(), ['QUEUED→CANCELLED', 'QUEUED→FAILED', 'QUEUED→RUNNING', 'RUNNING→CANCELLED', 'RUNNING→FAILED', 'RUNNING→QUEUED', 'RUNNING→SUCCEEDED'].sort());
    assert.deepEqual(JOB_STATES.filter(isTerminal), ['SUCCEEDED', 'FAILED', 'CANCELLED']);
  });

  it('retries an interrupted attempt only while attempts remain', () => {
    assert.equal(afterInterruption({ attempts: 1, maxAttempts: 3 }), 'QUEUED');
    assert.equal(afterInterruption({ attempts: 3, maxAttempts: 3 }), 'FAILED');
  });
});

describe('JobStore', () => {
  const data = tempDataDir();
  let store: JobStore;
  before(() => {
    store = new JobStore(path.join(data.dir, 'jobs.db'));
  });
  after(() => {
    store.close();
    data.remove();
  });

  it('uses WAL and round-trips a job', () => {
    assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
    store.insert(job('a', { labels: { team: 'x' }, spec: { steps: 5, nested: { ok: true } } }));
    const unset = { result: undefined, startTime: undefined, endTime: undefined };
    assert.deepEqual(store.get('a'), { ...job('a', { labels: { team: 'x' }, spec: { steps: 5, nested: { ok: true } } }), ...unset });
    assert.equal(store.get('missing'), undefined);
  });

  it('moves through the state machine and refuses other moves atomically', () => {
    const running = store.transition('a', 'RUNNING', { attempts: 1, startTime: 5 });
    assert.equal(running.state, 'RUNNING');
    assert.equal(running.attempts, 1);
    const done = store.transition('a', 'SUCCEEDED', { result: { loss: 0.5 }, progress: 1, endTime: 9 });
    assert.deepEqual(done.result, { loss: 0.5 });
    assert.throws(() => store.transition('a', 'RUNNING'), InvalidTransitionError);
    assert.equal(store.get('a')!.state, 'SUCCEEDED');
  });

  it('filters by type, state, labels and study, newest first, in pages', () => {
    for (let i = 0; i < 5; i++) store.insert(job(`p${i}`, { labels: { batch: 'p', parity: String(i % 2) }, study: i < 2 ? 's1' : '' }));
    const ids = (page: { jobs: JobRecord[] }) => page.jobs.map((j) => j.id);
    const first = store.list({ labels: { batch: 'p' } }, 2);
    assert.deepEqual(ids(first), ['p4', 'p3']);
    const second = store.list({ labels: { batch: 'p' } }, 2, first.nextPageToken);
    assert.deepEqual(ids(second), ['p2', 'p1']);
    const third = store.list({ labels: { batch: 'p' } }, 2, second.nextPageToken);
    assert.deepEqual(ids(third), ['p0']);
    assert.equal(third.nextPageToken, '');
    assert.deepEqual(ids(store.list({ labels: { batch: 'p', parity: '1' } }, 10)), ['p3', 'p1']);
    assert.deepEqual(ids(store.list({ study: 's1' }, 10)), ['p1', 'p0']);
    assert.deepEqual(ids(store.list({ state: 'SUCCEEDED' }, 10)), ['a']);
    assert.deepEqual(ids(store.list({ type: 'other' }, 10)), []);
    assert.throws(() => store.list({}, 10, 'bm90IGEgbnVtYmVy'), InvalidPageTokenError);
    assert.deepEqual(store.queued(2).map((j) => j.id), ['p0', 'p1'], 'oldest queued first');
  });

  it('keeps metric series in step order and artifacts by path', () => {
    store.addMetrics('p0', [
      { name: 'loss', value: 2, step: 2, time: 1 },
      { name: 'loss', value: 3, step: 1, time: 1 },
      { name: 'acc', value: 0.5, step: 1, time: 1 },
    ]);
    assert.deepEqual(store.metrics('p0', 'loss').map((m) => m.step), [1, 2]);
    assert.equal(store.metrics('p0').length, 3);
    store.addArtifacts('p0', [{ path: 'b.json', sizeBytes: 1, contentType: 'application/json' }]);
    store.addArtifacts('p0', [{ path: 'b.json', sizeBytes: 7, contentType: 'application/json' }, { path: 'a.png', sizeBytes: 3, contentType: 'image/png' }]);
    assert.deepEqual(store.artifacts('p0').map((a) => [a.path, a.sizeBytes]), [['a.png', 3], ['b.json', 7]]);
    store.clearOutputs('p0');
    assert.equal(store.metrics('p0').length + store.artifacts('p0').length, 0);
  });
});
