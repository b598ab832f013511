// Runs one job type with a JobContext whose reports go to a sink: over gRPC ReportMetrics in a worker process
// (worker.ts, both executors), or straight into the orchestrator in the benchmark's in-process mode.
import { mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { JobContext, JobType } from '../ml/job-type.js';
import type { ArtifactInfo, MetricPoint } from './job-state.js';

/** What a worker tells the orchestrator; `result` or `error` ends the job. */
export interface WorkerReport {
  metrics?: MetricPoint[];
  progress?: number;
  artifacts?: ArtifactInfo[];
  result?: Record<string, unknown>;
  error?: string;
}

/** Delivers a report; answers whether the job was cancelled meanwhile. */
export type ReportSink = (report: WorkerReport) => Promise<{ cancelled: boolean }>;

export interface RunJobOptions {
  artifactDir: string;
  report: ReportSink;
  log: (message: string, fields?: Record<string, unknown>) => void;
  /** Aborts the job from outside (SIGTERM). */
  signal?: AbortSignal;
  /** Send each artifact file to the orchestrator (workers that do not share its disk). */
  upload?: (file: string, relativePath: string) => Promise<void>;
}

const PROGRESS_INTERVAL_MS = 1000;

export type RunOutcome = 'succeeded' | 'failed' | 'cancelled';

export async function runJob(type: JobType, rawSpec: unknown, options: RunJobOptions): Promise<RunOutcome> {
  const cancel = new AbortController();
  options.signal?.addEventListener('abort', () => cancel.abort(), { once: true });
  const send = async (report: WorkerReport) => {
    const { cancelled } = await options.report(report);
    if (cancelled) cancel.abort();
  };
  await mkdir(options.artifactDir, { recursive: true });
  // Progress rides along with the next metrics report, or goes alone at most once per interval: a job that
  // reports both every step costs one report (one RPC, one commit) per step, not two.
  let progress: number | undefined;
  let progressSentAt = -Infinity;
  const withProgress = (report: WorkerReport): WorkerReport => {
    if (progress === undefined) return report;
    const merged = { ...report, progress };
    progress = undefined;
    progressSentAt = performance.now();
    return merged;
  };
  const ctx: JobContext = {
    signal: cancel.signal,
    artifactDir: options.artifactDir,
    reportMetrics: (values, step) => send(withProgress({ metrics: Object.entries(values).map(([name, value]) => ({ name, value, step, time: Date.now() })) })),
    reportProgress: async (fraction) => {
      progress = Math.min(1, Math.max(0, fraction));
      if (performance.now() - progressSentAt >= PROGRESS_INTERVAL_MS) await send(withProgress({}));
    },
    log: options.log,
  };
  try {
    const result = await type.run(type.validate(rawSpec), ctx);
    await send({ artifacts: await publishArtifacts(options), result });
    return 'succeeded';
  } catch (error) {
    // A cancelled job's orchestrator already knows; anything else is the job's own failure, reported as such.
    if (cancel.signal.aborted) return 'cancelled';
    const message = error instanceof Error ? error.message : String(error);
    options.log('job failed', { error: message });
    await send(withProgress({ artifacts: await publishArtifacts(options), error: message }));
    return 'failed';
  }
}

async function publishArtifacts(options: RunJobOptions): Promise<ArtifactInfo[]> {
  const artifacts: ArtifactInfo[] = [];
  for (const relativePath of await listFiles(options.artifactDir)) {
    const file = path.join(options.artifactDir, relativePath);
    await options.upload?.(file, relativePath);
    artifacts.push({ path: relativePath, sizeBytes: (await stat(file)).size, contentType: contentTypeOf(relativePath) });
  }
  return artifacts;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.csv': 'text/csv',
  '.txt': 'text/plain',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.bin': 'application/octet-stream',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}
