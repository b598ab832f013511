// Runs each job's worker as a child process on this machine (`node --import tsx worker.ts …`), at most
// `capacity` at once (default: one per core). Cancel sends SIGTERM, then SIGKILL after a grace period; a
// worker that dies without reporting is reported with its exit status and the tail of its stderr.
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Executor, ExecutorHooks, WorkerLaunch } from './executor.js';

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker.ts');
const STDERR_TAIL_BYTES = 2000;

export interface LocalExecutorOptions {
  /** Workers at once (default: available cores). */
  capacity?: number;
  /** How long a cancelled worker has to exit after SIGTERM. */
  killGraceMs?: number;
  /** Extra environment for workers (e.g. NNSUITE_TF_BACKEND). */
  env?: NodeJS.ProcessEnv;
}

export class LocalExecutor implements Executor {
  readonly name = 'local';
  readonly capacity: number;
  private hooks?: ExecutorHooks;
  private readonly workers = new Map<string, ChildProcess>();
  private readonly killGraceMs: number;
  private readonly env: NodeJS.ProcessEnv;

  constructor(options: LocalExecutorOptions = {}) {
    this.capacity = options.capacity || os.availableParallelism();
    this.killGraceMs = options.killGraceMs ?? 5000;
    this.env = { ...process.env, ...options.env };
  }

  attach(hooks: ExecutorHooks): void {
    this.hooks = hooks;
  }

  /** The worker process of a running job (tests use it to crash one). */
  pid(jobId: string): number | undefined {
    return this.workers.get(jobId)?.pid;
  }

  async start({ job, attempt, orchestratorAddress, artifactDir }: WorkerLaunch): Promise<void> {
    const args = ['--import', 'tsx', WORKER, '--job', job.id, '--attempt', String(attempt), '--orchestrator', orchestratorAddress, '--artifact-dir', artifactDir];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: this.env });
    this.workers.set(job.id, child);
    let tail = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      tail = (tail + chunk).slice(-STDERR_TAIL_BYTES);
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    child.once('close', (code, signal) => {
      if (this.workers.get(job.id) === child) this.workers.delete(job.id);
      const failure = code === 0 ? undefined : `worker ${signal ? `killed by ${signal}` : `exited with code ${code}`}: ${lastLines(tail)}`;
      this.hooks?.exited(job.id, attempt, failure);
    });
  }

  async stop(jobId: string): Promise<void> {
    const child = this.workers.get(jobId);
    if (!child || child.exitCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), this.killGraceMs);
    child.once('close', () => clearTimeout(timer));
  }

  /** Child processes do not outlive the orchestrator: nothing to re-attach. */
  async recover(): Promise<string[]> {
    return [];
  }

  async close(): Promise<void> {
    const exits = [...this.workers.values()].map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('close', resolve))));
    for (const child of this.workers.values()) child.kill('SIGKILL');
    await Promise.all(exits);
    this.workers.clear();
  }
}

/** The last few lines of a worker's stderr, for the job's error. */
function lastLines(text: string, count = 3): string {
  const lines = text.trim().split('\n').filter(Boolean).slice(-count);
  return lines.join(' | ') || '(no output)';
}
