// Where Morph's jobs run. With NNSUITE_TRAINING_ADDRESS set, the training orchestrator runs them (it
// loads `morphnet.morph` from services/morphnet/jobs.ts, locally or as Kubernetes Jobs); otherwise this
// process runs them itself, one at a time, keeping Job messages in memory — the same messages, so
// handlers do not care which.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { create, type JsonObject } from '@bufbuild/protobuf';
import { timestampNow } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createGrpcTransport, Http2SessionManager } from '@connectrpc/connect-node';
import { JobSchema, JobState, MetricPointSchema, type Job } from '../../gen/nnsuite/common/v1/job_pb.js';
import { TrainingService } from '../../gen/nnsuite/training/v1/training_pb.js';
import type { JobContext, JobType } from '../ml/job-type.js';

export interface JobLauncher {
  /** Queue a job of `type` with an already validated spec. */
  create(type: string, spec: JsonObject): Promise<Job>;
  /** The job named `jobs/{id}` (exactly that form), or undefined when there is none. */
  get(name: string): Promise<Job | undefined>;
  close(): Promise<void>;
}

/** Jobs through the training service at `address` (`host:port` or a URL). */
export function trainingServiceLauncher(address: string): JobLauncher {
  const baseUrl = /^https?:\/\//.test(address) ? address : `http://${address}`;
  const sessionManager = new Http2SessionManager(baseUrl);
  const client = createClient(TrainingService, createGrpcTransport({ baseUrl, sessionManager }));
  return {
    create: (type, spec) => client.createJob({ job: { type, spec } }),
    async get(name) {
      try {
        return await client.getJob({ name });
      } catch (error) {
        if (error instanceof ConnectError && error.code === Code.NotFound) return undefined;
        throw error;
      }
    },
    close: async () => sessionManager.abort(),
  };
}

export class QueueFullError extends Error {
  constructor(readonly limit: number) {
    super(`${limit} morph jobs are already queued or running in this process; try again later`);
    this.name = 'QueueFullError';
  }
}

/**
 * Runs jobs of the given types in this process, sequentially; artifacts under `dataDir/jobs/{id}`.
 * At most `maxPending` jobs wait or run at once (QueueFullError beyond).
 */
export function inProcessLauncher(types: JobType<any, any>[], dataDir: string, maxPending = 4): JobLauncher {
  const jobs = new Map<string, Job>();
  const abort = new AbortController();
  let queue = Promise.resolve();

  async function run(job: Job): Promise<void> {
    const type = types.find((t) => t.name === job.type)!;
    const artifactDir = path.join(dataDir, 'jobs', job.name.slice('jobs/'.length));
    mkdirSync(artifactDir, { recursive: true });
    const ctx: JobContext = {
      signal: abort.signal,
      artifactDir,
      reportMetrics: async (values, step) => {
        for (const [name, value] of Object.entries(values)) job.metrics.push(create(MetricPointSchema, { name, value, step: BigInt(step), time: timestampNow() }));
      },
      reportProgress: async (fraction) => { job.progress = fraction; },
      log: () => {},
    };
    job.state = JobState.RUNNING;
    job.startTime = timestampNow();
    job.attempts = 1;
    try {
      job.result = (await type.run(type.validate(job.spec), ctx)) as JsonObject;
      job.state = JobState.SUCCEEDED;
    } catch (error) {
      job.state = abort.signal.aborted ? JobState.CANCELLED : JobState.FAILED;
      job.error = error instanceof Error ? error.message : String(error);
    }
    job.endTime = timestampNow();
  }

  return {
    async create(type, spec) {
      if (!types.some((t) => t.name === type)) throw new Error(`unknown job type "${type}"`);
      const pending = [...jobs.values()].filter((j) => j.state === JobState.QUEUED || j.state === JobState.RUNNING).length;
      if (pending >= maxPending) throw new QueueFullError(maxPending);
      const job = create(JobSchema, { name: `jobs/${randomUUID()}`, type, spec, state: JobState.QUEUED, executor: 'local', createTime: timestampNow() });
      jobs.set(job.name, job);
      queue = queue.then(() => run(job));
      return job;
    },
    get: async (name) => jobs.get(name),
    async close() {
      abort.abort();
      await queue;
    },
  };
}
