// The one job idiom (ARCHITECTURE.md, "Run a job"): a job type validates its spec and runs it with a
// context that reports metrics, writes artifacts and carries the cancel signal. The training
// orchestrator runs any registered type locally or as a Kubernetes Job through the same worker.

/** A spec field that failed validation; the orchestrator maps it to INVALID_ARGUMENT naming `field`. */
export class JobSpecError extends Error {
  constructor(readonly field: string, readonly reason: string) {
    super(`${field}: ${reason}`);
    this.name = 'JobSpecError';
  }
}

export interface JobContext {
  /** Aborted when the job is cancelled or its deadline passes; long loops must check it. */
  readonly signal: AbortSignal;
  /** Folder this job's artifacts go in (checkpoints, metric JSON, plots); created before `run`. */
  readonly artifactDir: string;
  /** Push metric values at a step (workers push; nothing scrapes logs). */
  reportMetrics(values: Record<string, number>, step: number): Promise<void>;
  /** Fraction complete in [0, 1]. */
  reportProgress(fraction: number): Promise<void>;
  /** Structured log line tagged with the job. */
  log(message: string, fields?: Record<string, unknown>): void;
}

export interface JobType<Spec = unknown, Result extends Record<string, unknown> = Record<string, unknown>> {
  /** Registered name, `<service>.<what>`, e.g. `speech.rnnt`. */
  readonly name: string;
  /** One line for `nnsuite train --help` and ListJobTypes. */
  readonly description: string;
  /** Parse and check a JSON spec; throw JobSpecError naming the field. */
  validate(spec: unknown): Spec;
  /** Do the work; the returned object becomes the job's result. */
  run(spec: Spec, ctx: JobContext): Promise<Result>;
}

/** A job context as the plain callbacks a study loop takes, so domain code stays free of the job idiom. */
export function studyHooks(ctx: JobContext) {
  return {
    signal: ctx.signal,
    progress: (fraction: number) => ctx.reportProgress(fraction),
    metrics: (values: Record<string, number>, step: number) => ctx.reportMetrics(values, step),
    log: (message: string, fields?: Record<string, unknown>) => ctx.log(message, fields),
  };
}

/**
 * A context for running a job type in process (training and bench scripts): artifacts go to `artifactDir`,
 * the callbacks default to doing nothing, and the signal never aborts unless one is given.
 */
export function localJobContext(artifactDir: string, overrides: Partial<Omit<JobContext, 'artifactDir'>> = {}): JobContext {
  return {
    signal: new AbortController().signal,
    reportMetrics: async () => {},
    reportProgress: async () => {},
    log: () => {},
    ...overrides,
    artifactDir,
  };
}
