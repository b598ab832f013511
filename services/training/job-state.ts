// The job resource as the orchestrator keeps it (plain data, no RPC types) and its state machine:
// QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED, with RUNNING → QUEUED when an interrupted attempt is retried.

export const JOB_STATES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface MetricPoint {
  name: string;
  value: number;
  step: number;
  /** Milliseconds since the epoch. */
  time: number;
}

export interface ArtifactInfo {
  /** Relative to the job's artifact folder. */
  path: string;
  sizeBytes: number;
  contentType: string;
}

export interface JobRecord {
  id: string;
  type: string;
  spec: Record<string, unknown>;
  state: JobState;
  progress: number;
  /** Worker starts so far. */
  attempts: number;
  maxAttempts: number;
  executor: string;
  error: string;
  result?: Record<string, unknown>;
  labels: Record<string, string>;
  /** Study id when this job is a trial, else ''. */
  study: string;
  gpuCount: number;
  createTime: number;
  startTime?: number;
  endTime?: number;
}

const TRANSITIONS: Record<JobState, readonly JobState[]> = {
  // FAILED from QUEUED: the executor could not start the worker (e.g. the cluster refused the Job).
  QUEUED: ['RUNNING', 'CANCELLED', 'FAILED'],
  // QUEUED from RUNNING: the attempt was interrupted (worker crash, orchestrator restart) and is retried.
  RUNNING: ['SUCCEEDED', 'FAILED', 'CANCELLED', 'QUEUED'],
  SUCCEEDED: [],
  FAILED: [],
  CANCELLED: [],
};

export class InvalidTransitionError extends Error {
  constructor(readonly from: JobState, readonly to: JobState) {
    super(`a ${from} job cannot become ${to}`);
    this.name = 'InvalidTransitionError';
  }
}

export function canTransition(from: JobState, to: JobState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertTransition(from: JobState, to: JobState): void {
  if (!canTransition(from, to)) throw new InvalidTransitionError(from, to);
}

export function isTerminal(state: JobState): boolean {
  return TRANSITIONS[state].length === 0;
}

/**
 * What happens to an attempt that ended without the job reporting its own outcome (the worker crashed or the
 * orchestrator restarted under it): retry while attempts remain, else fail with the reason.
 */
export function afterInterruption(job: Pick<JobRecord, 'attempts' | 'maxAttempts'>): 'QUEUED' | 'FAILED' {
  return job.attempts < job.maxAttempts ? 'QUEUED' : 'FAILED';
}
