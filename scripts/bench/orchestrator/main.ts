// Orchestrator benchmark (issue 7): N tiny jobs queued, then scheduled and run to completion with the
// benchmark-only in-process executor (one job at a time, so the accounting is exact), on a real SQLite WAL file.
// - overhead_ms_per_job: time spent inside the orchestrator per job — launching it (state transition),
//   handling its reports (metrics, progress, result, artifacts), and its exit (scheduling the next job).
// - e2e_overhead_ms_per_job: (time to complete all − the jobs' own work) / N: adds the job runner's artifact
//   listing and event-loop hops, which in production happen in the worker process.
// - replay_overhead_ms_per_job: the orchestrator alone — the same bookkeeping with the tiny job's reports
//   replayed back to back (no job code, tfjs or GC in between).
// A few jobs through the real local executor (a worker process each, reporting over gRPC) show the cost of
// process isolation on top. Also: enqueue cost, jobs/s, DB size, RSS.
// Usage: npm run bench:orchestrator -- [--jobs 1000] [--local-jobs 2] [--json]
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Executor, ExecutorHooks, WorkerLaunch } from '../../../services/training/executor.js';
import { JobRegistry } from '../../../services/training/job-registry.js';
import { JobStore } from '../../../services/training/job-store.js';
import { jobTypes } from '../../../services/training/jobs.js';
import { LocalExecutor } from '../../../services/training/local-executor.js';
import { Orchestrator } from '../../../services/training/orchestrator.js';
import { startTrainingServer } from '../../../services/training/training-server.js';
import { InProcessExecutor } from './in-process-executor.js';
import { localJobContext } from '../../../services/ml/job-type.js';

// Tiny jobs on the pure-JS backend: libtensorflow's thread pool would blur the process CPU time measured below.
process.env.NNSUITE_TF_BACKEND ??= 'cpu';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a non-negative integer`);
  return value;
}

const json = process.argv.includes('--json');
const jobs = arg('jobs', 1000);
const localJobs = arg('local-jobs', 2);
const TINY_SPEC = { steps: 1, samples: 8, features: 2, hidden: 0, batchSize: 8 };
const registry = new JobRegistry().register(...jobTypes);
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'nnsuite-bench-orchestrator-'));
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);

function dbBytes(dir: string): number {
  return ['jobs.db', 'jobs.db-wal', 'jobs.db-shm'].reduce((n, f) => n + (statSync(path.join(dir, f), { throwIfNoEntry: false })?.size ?? 0), 0);
}

async function inProcess() {
  const dir = path.join(dataDir, 'in-process');
  mkdirSync(dir, { recursive: true });
  const store = new JobStore(path.join(dir, 'jobs.db'));
  const executor = new InProcessExecutor(registry, 1);
  const orchestrator = new Orchestrator({ store, registry, executor, artifactRoot: path.join(dir, 'artifacts'), defaultMaxAttempts: 1, log: () => undefined });
  // Warm up tfjs and the prepared statements outside the timed part.
  await registry.get('training.demo-regression').run(TINY_SPEC, localJobContext(os.tmpdir()));
  let done = 0;
  let allScheduledAt = 0;
  let running = 0;
  const finished = new Promise<void>((resolve, reject) =>
    orchestrator.subscribe('*', ({ job }) => {
      if (job.state === 'RUNNING' && ++running === jobs) allScheduledAt = performance.now();
      if (job.state === 'SUCCEEDED' && ++done === jobs) resolve();
      if (job.state === 'FAILED') reject(new Error(`bench job failed: ${job.error}`));
    }),
  );
  const t0 = performance.now();
  for (let i = 0; i < jobs; i++) orchestrator.createJob({ type: 'training.demo-regression', spec: { ...TINY_SPEC, seed: i } });
  const enqueuedAt = performance.now();
  const startAt = performance.now();
  await orchestrator.start('in-process');
  const startMs = performance.now() - startAt;
  await finished;
  const end = performance.now();
  await orchestrator.close();
  store.close();
  const makespan = end - enqueuedAt;
  return {
    enqueueMsPerJob: (enqueuedAt - t0) / jobs,
    scheduleAllS: (allScheduledAt - enqueuedAt) / 1000,
    completeAllS: makespan / 1000,
    jobWorkMsPerJob: executor.jobWorkMs / jobs,
    overheadMsPerJob: (executor.orchestratorMs + startMs) / jobs,
    e2eOverheadMsPerJob: (makespan - executor.jobWorkMs) / jobs,
    overheadCpuMsPerJob: executor.orchestratorCpuUs / 1000 / jobs,
    jobsPerS: jobs / (makespan / 1000),
    dbBytes: dbBytes(dir),
  };
}

/**
 * The orchestrator alone: the same N jobs, but the executor only records launches and the bench replays what a
 * tiny job reports (one loss point with progress; result with two artifacts; exit) — nothing else runs between.
 */
async function bookkeepingOnly() {
  const dir = path.join(dataDir, 'bookkeeping');
  mkdirSync(dir, { recursive: true });
  const store = new JobStore(path.join(dir, 'jobs.db'));
  const launches: WorkerLaunch[] = [];
  let hooks: ExecutorHooks | undefined;
  const executor: Executor = { name: 'replay-bench', capacity: 1, attach: (h) => (hooks = h), start: async (l) => void launches.push(l), stop: async () => {}, recover: async () => [], close: async () => {} };
  const orchestrator = new Orchestrator({ store, registry, executor, artifactRoot: path.join(dir, 'artifacts'), defaultMaxAttempts: 1, log: () => undefined });
  for (let i = 0; i < jobs; i++) orchestrator.createJob({ type: 'training.demo-regression', spec: { ...TINY_SPEC, seed: i } });
  const t0 = performance.now();
  const cpu = process.cpuUsage();
  await orchestrator.start('replay');
  const artifacts = ['checkpoint.json', 'loss.json'].map((p) => ({ path: p, sizeBytes: 100, contentType: 'application/json' }));
  for (let i = 0; i < jobs; i++) {
    const { job, attempt } = launches[i];
    hooks!.report(job.id, attempt, { metrics: [{ name: 'loss', value: 1, step: 1, time: Date.now() }], progress: 1 });
    hooks!.report(job.id, attempt, { artifacts, result: { finalLoss: 1 } });
    hooks!.exited(job.id, attempt);
  }
  const wallMs = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  if (store.inState('SUCCEEDED').length !== jobs) throw new Error('replayed jobs did not all succeed');
  await orchestrator.close();
  store.close();
  return { msPerJob: wallMs / jobs, cpuMsPerJob: (used.user + used.system) / 1000 / jobs };
}

async function localProcesses() {
  if (localJobs === 0) return undefined;
  const executor = new LocalExecutor({ capacity: os.availableParallelism() });
  const server = await startTrainingServer({ dataDir: path.join(dataDir, 'local'), port: 0, httpPort: 0, shutdownGraceMs: 1000, env: { ...process.env, NNSUITE_LOG_LEVEL: 'warn' }, executor, registry });
  let done = 0;
  const finished = new Promise<void>((resolve, reject) =>
    server.orchestrator.subscribe('*', ({ job }) => {
      if (job.state === 'SUCCEEDED' && ++done === localJobs) resolve();
      if (job.state === 'FAILED') reject(new Error(`local job failed: ${job.error}`));
    }),
  );
  const t0 = performance.now();
  for (let i = 0; i < localJobs; i++) server.orchestrator.createJob({ type: 'training.demo-regression', spec: { ...TINY_SPEC, seed: i } });
  await finished;
  const wall = performance.now() - t0;
  await server.close();
  return { wallS: wall / 1000, msPerJob: wall / localJobs, capacity: executor.capacity };
}

try {
  process.stderr.write(`running ${jobs} jobs in-process, then ${localJobs} as worker processes…\n`);
  const a = await inProcess();
  const c = await bookkeepingOnly();
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  const b = await localProcesses();
  clearInterval(sampler);

  const rows: [string, string][] = [
    ['jobs (in-process executor, bench only)', String(jobs)],
    ['enqueue (validate + insert), ms/job', a.enqueueMsPerJob.toFixed(3)],
    ['all scheduled after, s', a.scheduleAllS.toFixed(2)],
    ['all completed after, s', a.completeAllS.toFixed(2)],
    ["jobs' own work, ms/job", a.jobWorkMsPerJob.toFixed(3)],
    ['orchestrator overhead, ms/job (goal ≤ 1)', a.overheadMsPerJob.toFixed(3)],
    ['  of which CPU time (user + sys), ms/job', a.overheadCpuMsPerJob.toFixed(3)],
    ['end-to-end overhead incl. runner + event loop, ms/job', a.e2eOverheadMsPerJob.toFixed(3)],
    ['orchestrator alone (reports replayed, no jobs run), ms/job', c.msPerJob.toFixed(3)],
    ['  of which CPU time (user + sys), ms/job', c.cpuMsPerJob.toFixed(3)],
    ['throughput, jobs/s', a.jobsPerS.toFixed(0)],
    ['SQLite DB + WAL, MB', (a.dbBytes / 2 ** 20).toFixed(2)],
    ['RSS after, MB', rssMb.toFixed(0)],
    ['peak RSS, MB', (peakRss / 2 ** 20).toFixed(0)],
    [`machine load average (1 min, ${os.availableParallelism()} cores)`, os.loadavg()[0].toFixed(1)],
  ];
  if (b) rows.push([`local worker processes (${localJobs} jobs, ${b.capacity} at once), wall s`, b.wallS.toFixed(2)], ['local executor, ms/job (process start + tfjs load + gRPC)', b.msPerJob.toFixed(0)]);
  const width = Math.max(...rows.map((r) => r[0].length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v.padStart(10)}`);
  console.log(`\nrerun: npm run bench:orchestrator -- --jobs ${jobs} --local-jobs ${localJobs}${json ? ' --json' : ''}`);
  if (json) {
    console.log(
      JSON.stringify({
        jobs,
        overhead_ms_per_job: a.overheadMsPerJob,
        e2e_overhead_ms_per_job: a.e2eOverheadMsPerJob,
        overhead_cpu_ms_per_job: a.overheadCpuMsPerJob,
        replay_overhead_ms_per_job: c.msPerJob,
        replay_overhead_cpu_ms_per_job: c.cpuMsPerJob,
        enqueue_ms_per_job: a.enqueueMsPerJob,
        job_work_ms_per_job: a.jobWorkMsPerJob,
        schedule_all_s: a.scheduleAllS,
        complete_all_s: a.completeAllS,
        jobs_per_s: a.jobsPerS,
        db_mb: a.dbBytes / 2 ** 20,
        rss_mb: rssMb,
        peak_rss_mb: peakRss / 2 ** 20,
        local_jobs: localJobs,
        local_ms_per_job: b?.msPerJob ?? null,
        load_avg_1m: os.loadavg()[0],
      }),
    );
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
