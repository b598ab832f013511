// The orchestrator: validates and queues jobs, starts them on its executor as slots free up, records what
// workers report, and applies the retry policy when a worker dies or the orchestrator restarts under it.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Executor } from './executor.js';
import { contentTypeOf, type WorkerReport } from './job-runner.js';
import type { JobRegistry } from './job-registry.js';
import { afterInterruption, isTerminal, type ArtifactInfo, type JobRecord, type MetricPoint } from './job-state.js';
import type { JobFilter, JobPage, JobStore } from './job-store.js';
import { Subscribers } from './subscribers.js';

export interface NewJob {
  type: string;
  spec: Record<string, unknown>;
  labels?: Record<string, string>;
  /** 0 or absent: the orchestrator's default. */
  maxAttempts?: number;
  gpuCount?: number;
  study?: string;
}

/** A change of one job: its record after the change and the metric points it brought. */
export interface JobEvent {
  job: JobRecord;
  metrics: MetricPoint[];
}

export class JobNotFoundError extends Error {
  constructor(readonly jobId: string) {
    super(`job "${jobId}" not found`);
  }
}

/** The job already ended, so it can no longer be cancelled or written to. */
export class JobFinishedError extends Error {}

/** An artifact path that escapes the job's folder. */
export class ArtifactPathError extends Error {}

export class ArtifactNotFoundError extends Error {
  constructor(readonly path: string) {
    super(`no artifact "${path}"`);
  }
}

export interface OrchestratorOptions {
  store: JobStore;
  registry: JobRegistry;
  executor: Executor;
  /** Artifacts of job `id` go in `<artifactRoot>/<id>/`. */
  artifactRoot: string;
  defaultMaxAttempts: number;
  log: (message: string, fields?: Record<string, unknown>) => void;
}

export class Orchestrator {
  readonly store: JobStore;
  readonly registry: JobRegistry;
  readonly executor: Executor;
  private readonly options: OrchestratorOptions;
  /** Jobs whose worker holds an executor slot. */
  private readonly active = new Set<string>();
  private readonly listeners = new Subscribers<JobEvent>();
  private address = '';
  private started = false;
  private closing = false;

  constructor(options: OrchestratorOptions) {
    this.options = options;
    this.store = options.store;
    this.registry = options.registry;
    this.executor = options.executor;
    this.executor.attach({
      exited: (id, attempt, failure) => this.workerExited(id, attempt, failure),
      report: (id, attempt, report) => this.report(id, attempt, report),
    });
  }

  /** Recover what a previous run left, then start scheduling; `address` is where workers report. */
  async start(address: string): Promise<void> {
    this.address = address;
    const running = this.store.inState('RUNNING');
    const mine = running.filter((job) => job.executor === this.executor.name);
    const reattached = new Set(await this.executor.recover(mine));
    for (const job of running) {
      if (reattached.has(job.id)) this.active.add(job.id);
      else this.interrupt(job, `interrupted: the orchestrator restarted during attempt ${job.attempts}`);
    }
    this.options.log('orchestrator started', { executor: this.executor.name, capacity: this.executor.capacity, reattached: reattached.size, interrupted: running.length - reattached.size, queued: this.store.inState('QUEUED').length });
    this.started = true;
    this.schedule();
  }

  /**
   * Stop scheduling and ignore workers' exits from now on (shutdown has begun): workers that lose the server
   * while it drains must not be counted as failed attempts; the restart recovers their jobs instead.
   */
  quiesce(): void {
    this.closing = true;
  }

  async close(): Promise<void> {
    this.quiesce();
    await this.executor.close();
  }

  createJob(input: NewJob): JobRecord {
    // Throws UnknownJobTypeError or the type's JobSpecError before anything is stored.
    this.registry.get(input.type).validate(input.spec);
    const job: JobRecord = {
      id: randomUUID(),
      type: input.type,
      spec: input.spec,
      state: 'QUEUED',
      progress: 0,
      attempts: 0,
      maxAttempts: input.maxAttempts || this.options.defaultMaxAttempts,
      executor: this.executor.name,
      error: '',
      labels: input.labels ?? {},
      study: input.study ?? '',
      gpuCount: input.gpuCount ?? 0,
      createTime: Date.now(),
    };
    this.store.insert(job);
    this.emit({ job, metrics: [] });
    this.schedule();
    return job;
  }

  getJob(id: string): JobRecord {
    const job = this.store.get(id);
    if (!job) throw new JobNotFoundError(id);
    return job;
  }

  listJobs(filter: JobFilter, pageSize: number, pageToken?: string): JobPage {
    return this.store.list(filter, pageSize, pageToken);
  }

  cancelJob(id: string, reason = 'cancelled by request'): JobRecord {
    const job = this.getJob(id);
    if (isTerminal(job.state)) throw new JobFinishedError(`job "${id}" already ${job.state}`);
    const cancelled = this.store.transition(id, 'CANCELLED', { error: reason, endTime: Date.now() });
    // The slot frees when the worker has really gone (`exited`), so capacity is never exceeded.
    if (this.active.has(id)) this.executor.stop(id).catch((error) => this.options.log('stopping worker failed', { job: id, error }));
    this.emit({ job: cancelled, metrics: [] });
    return cancelled;
  }

  /** A worker's report, applied in one transaction. A cancelled job or a stale attempt is told to stop and changes nothing. */
  report(id: string, attempt: number, report: WorkerReport): { cancelled: boolean } {
    const after = this.store.atomically(() => {
      const job = this.getJob(id);
      if (job.state !== 'RUNNING' || job.attempts !== attempt) return undefined;
      if (report.metrics?.length) this.store.addMetrics(id, report.metrics);
      if (report.artifacts?.length) this.store.addArtifacts(id, report.artifacts);
      if (report.result) return this.store.transition(id, 'SUCCEEDED', { result: report.result, progress: 1, error: '', endTime: Date.now() });
      if (report.error) return this.store.transition(id, 'FAILED', { error: report.error, endTime: Date.now() });
      if (report.progress === undefined) return job;
      this.store.update(id, { progress: report.progress });
      return { ...job, progress: report.progress };
    });
    if (!after) return { cancelled: true };
    this.emit({ job: after, metrics: report.metrics ?? [] });
    return { cancelled: false };
  }

  /** Store an uploaded artifact file of a running job. */
  async writeArtifact(id: string, relativePath: string, chunks: AsyncIterable<Uint8Array>): Promise<ArtifactInfo> {
    const job = this.getJob(id);
    if (isTerminal(job.state)) throw new JobFinishedError(`job "${id}" already ${job.state}`);
    const file = this.artifactFile(id, relativePath);
    await mkdir(path.dirname(file), { recursive: true });
    await pipeline(Readable.from(chunks), createWriteStream(file));
    const artifact = { path: relativePath, sizeBytes: (await stat(file)).size, contentType: contentTypeOf(relativePath) };
    this.store.addArtifacts(id, [artifact]);
    return artifact;
  }

  /** The file of a listed artifact. */
  artifactPath(id: string, relativePath: string): string {
    this.getJob(id);
    if (!this.store.artifacts(id).some((a) => a.path === relativePath)) throw new ArtifactNotFoundError(relativePath);
    return this.artifactFile(id, relativePath);
  }

  artifactDir(id: string): string {
    return path.join(this.options.artifactRoot, id);
  }

  /** Follow one job (`id`) or all jobs (`*`); returns the unsubscribe function. */
  subscribe(id: string, listener: (event: JobEvent) => void): () => void {
    return this.listeners.subscribe(id, listener);
  }

  private emit(event: JobEvent): void {
    const onError = (error: unknown) => this.options.log('job listener failed', { job: event.job.id, error });
    this.listeners.emit(event.job.id, event, onError);
    this.listeners.emit('*', event, onError);
  }

  private artifactFile(id: string, relativePath: string): string {
    const dir = this.artifactDir(id);
    const file = path.resolve(dir, relativePath);
    if (!relativePath || path.isAbsolute(relativePath) || !file.startsWith(dir + path.sep)) {
      throw new ArtifactPathError(`"${relativePath}" is not a path inside the job's artifact folder`);
    }
    return file;
  }

  private workerExited(id: string, attempt: number, failure?: string): void {
    if (this.closing) return;
    this.active.delete(id);
    const job = this.store.get(id);
    // Still RUNNING this attempt: the worker ended without reporting its outcome.
    if (job && job.state === 'RUNNING' && job.attempts === attempt) this.interrupt(job, failure ?? 'the worker exited without reporting an outcome');
    this.schedule();
  }

  private interrupt(job: JobRecord, reason: string): void {
    const next = afterInterruption(job);
    const error = next === 'QUEUED' ? `attempt ${job.attempts} failed (${reason}); retrying` : reason;
    const after = this.store.transition(job.id, next, next === 'FAILED' ? { error, endTime: Date.now() } : { error });
    this.options.log(next === 'QUEUED' ? 'retrying job' : 'job failed', { job: job.id, attempt: job.attempts, reason });
    this.emit({ job: after, metrics: [] });
  }

  private schedule(): void {
    if (!this.started || this.closing) return;
    const free = this.executor.capacity - this.active.size;
    if (free <= 0) return;
    for (const job of this.store.queued(free)) this.launch(job);
  }

  private launch(job: JobRecord): void {
    const attempt = job.attempts + 1;
    // A retry starts the series over: the interrupted attempt's points would repeat steps.
    if (attempt > 1) this.store.clearOutputs(job.id);
    const running = this.store.transition(job.id, 'RUNNING', { attempts: attempt, executor: this.executor.name, startTime: Date.now() });
    this.active.add(job.id);
    this.emit({ job: running, metrics: [] });
    const launch = { job: running, attempt, orchestratorAddress: this.address, artifactDir: this.artifactDir(job.id) };
    this.executor.start(launch).catch((error: unknown) => {
      this.workerExited(job.id, attempt, `could not start the worker: ${error instanceof Error ? error.message : String(error)}`);
    });
  }
}
