// Where workers run. The orchestrator owns all job state; an executor only starts, stops and follows workers,
// and tells the orchestrator when one ended (the worker itself reports metrics and its outcome).
import type { JobRecord } from './job-state.js';
import type { WorkerReport } from './job-runner.js';

export interface WorkerLaunch {
  job: JobRecord;
  /** 1 for the first start; reports carry it so a stale attempt's are ignored. */
  attempt: number;
  /** host:port of the orchestrator's gRPC server, for the worker's reports. */
  orchestratorAddress: string;
  /** The job's artifact folder on the orchestrator's disk. */
  artifactDir: string;
}

export interface ExecutorHooks {
  /** The worker of `attempt` ended; `failure` says why when it ended without reporting an outcome. */
  exited(jobId: string, attempt: number, failure?: string): void;
  /** A report from a worker that runs inside this process. */
  report(jobId: string, attempt: number, report: WorkerReport): { cancelled: boolean };
}

export interface Executor {
  /** Recorded on each job: `local`, `kubernetes`, … */
  readonly name: string;
  /** Workers it runs at once; more jobs wait QUEUED. */
  readonly capacity: number;
  attach(hooks: ExecutorHooks): void;
  /** Start a worker; rejects when it cannot (the attempt then counts as interrupted). */
  start(launch: WorkerLaunch): Promise<void>;
  /** Stop a job's worker (cancel); `exited` follows. */
  stop(jobId: string): Promise<void>;
  /** After a restart: of these jobs the store says were RUNNING here, re-attach to those still running and return their ids. */
  recover(jobs: JobRecord[]): Promise<string[]>;
  /** Stop following workers; local workers are killed (their jobs are retried after the restart). */
  close(): Promise<void>;
}
