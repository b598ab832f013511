// Thin handlers: request message → plain arguments → orchestrator / study controller → response message.
// Domain errors become gRPC statuses here and nowhere else.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { create } from '@bufbuild/protobuf';
import { ConnectError, type ServiceImpl } from '@connectrpc/connect';
import { TrainingService, WatchJobResponseSchema, type UploadArtifactRequest } from '../../gen/nnsuite/training/v1/training_pb.js';
import { failedPrecondition, invalidArgument, notFound, require } from '../runtime/errors.js';
import { JobSpecError } from '../ml/job-type.js';
import { eventStream } from './event-stream.js';
import { jobStateFromMessage, jobToMessage, metricFromMessage, metricToMessage, studyFromMessage, studyToMessage } from './job-messages.js';
import { UnknownJobTypeError } from './job-registry.js';
import { isTerminal, type JobRecord } from './job-state.js';
import { InvalidPageTokenError } from './job-store.js';
import { ArtifactNotFoundError, ArtifactPathError, JobFinishedError, JobNotFoundError, type JobEvent, type Orchestrator } from './orchestrator.js';
import { StudyConfigError } from './study-config.js';
import { StudyNotFoundError, type StudyController, type StudyView } from './study-controller.js';

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;
const CHUNK_BYTES = 256 * 1024;
/** Request fields that a job type's spec errors and unknown type names point at. */
interface SpecFields {
  spec: string;
  type: string;
}
const JOB_FIELDS: SpecFields = { spec: 'job.spec', type: 'job.type' };
const STUDY_FIELDS: SpecFields = { spec: 'study.base_spec', type: 'study.trial_type' };
// Label keys and values as Kubernetes allows them (the Kubernetes executor copies some into Job labels).
const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

export function trainingHandlers(orchestrator: Orchestrator, studies: StudyController): ServiceImpl<typeof TrainingService> {
  const full = (job: JobRecord) => jobToMessage(job, orchestrator.store.metrics(job.id), orchestrator.store.artifacts(job.id));
  return {
    createJob: (req) =>
      handle(() => {
        require(req.job, 'job', 'is required');
        require(req.job.type, 'job.type', 'is required');
        checkLabels(req.job.labels, 'job.labels');
        require(req.job.maxAttempts >= 0, 'job.max_attempts', 'must be ≥ 0');
        require(req.job.gpuCount >= 0, 'job.gpu_count', 'must be ≥ 0');
        const job = orchestrator.createJob({ type: req.job.type, spec: req.job.spec ?? {}, labels: req.job.labels, maxAttempts: req.job.maxAttempts, gpuCount: req.job.gpuCount });
        return jobToMessage(job);
      }, JOB_FIELDS),
    getJob: (req) => handle(() => full(orchestrator.getJob(jobId(req.name)))),
    listJobs: (req) =>
      handle(() => {
        require(req.pageSize >= 0, 'page_size', 'must be ≥ 0');
        const filter = { type: req.type, state: jobStateFromMessage(req.state), labels: req.labels, study: req.study ? studyId(req.study, 'study') : undefined };
        const page = orchestrator.listJobs(filter, Math.min(req.pageSize || DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE), req.pageToken);
        return { jobs: page.jobs.map((job) => jobToMessage(job, [], orchestrator.store.artifacts(job.id))), nextPageToken: page.nextPageToken };
      }),
    async *watchJob(req, ctx) {
      const id = jobId(req.name);
      const first = handle(() => orchestrator.getJob(id));
      // Subscribing and reading the snapshot happen in one synchronous step, so no event falls between them.
      const events = eventStream<JobEvent>((push) => orchestrator.subscribe(id, push), ctx.signal);
      try {
        yield create(WatchJobResponseSchema, { job: jobToMessage(first, [], orchestrator.store.artifacts(id)), metrics: orchestrator.store.metrics(id).map(metricToMessage) });
        if (isTerminal(first.state)) return;
        for await (const event of events) {
          yield create(WatchJobResponseSchema, { job: jobToMessage(event.job, [], orchestrator.store.artifacts(id)), metrics: event.metrics.map(metricToMessage) });
          if (isTerminal(event.job.state)) return;
        }
      } finally {
        events.close();
      }
    },
    cancelJob: (req) => handle(() => full(orchestrator.cancelJob(jobId(req.name)))),
    listJobTypes: () => ({ jobTypes: orchestrator.registry.list().map((t) => ({ name: t.name, description: t.description })) }),
    createStudy: (req) =>
      handle(() => {
        require(req.study, 'study', 'is required');
        checkLabels(req.study.labels, 'study.labels');
        return studyToMessage(studies.createStudy(studyFromMessage(req.study)));
      }, STUDY_FIELDS),
    getStudy: (req) => handle(() => studyToMessage(studies.getStudy(studyId(req.name)))),
    async *watchStudy(req, ctx) {
      const id = studyId(req.name);
      const first = handle(() => studies.getStudy(id));
      const events = eventStream<StudyView>((push) => studies.subscribe(id, push), ctx.signal);
      try {
        yield { study: studyToMessage(first) };
        if (first.study.state !== 'RUNNING') return;
        for await (const view of events) {
          yield { study: studyToMessage(view) };
          if (view.study.state !== 'RUNNING') return;
        }
      } finally {
        events.close();
      }
    },
    reportMetrics: (req) =>
      handle(() => {
        require(req.progress === undefined || (req.progress >= 0 && req.progress <= 1), 'progress', 'must be in [0, 1]');
        return orchestrator.report(jobId(req.name), req.attempt, {
          metrics: req.metrics.map(metricFromMessage),
          progress: req.progress,
          artifacts: req.artifacts.map((a) => ({ path: a.path, sizeBytes: Number(a.sizeBytes), contentType: a.contentType })),
          result: req.result,
          error: req.error || undefined,
        });
      }),
    async uploadArtifact(requests) {
      const iterator = requests[Symbol.asyncIterator]();
      const head = await iterator.next();
      require(!head.done, 'name', 'is required in the first message');
      const first: UploadArtifactRequest = head.value;
      require(first.path, 'path', 'is required in the first message');
      async function* chunks() {
        if (first.data.length) yield first.data;
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value.data;
      }
      const artifact = await handleAsync(() => orchestrator.writeArtifact(jobId(first.name), first.path, chunks()));
      return { artifact: { path: artifact.path, sizeBytes: BigInt(artifact.sizeBytes), contentType: artifact.contentType } };
    },
    async *downloadArtifact(req) {
      require(req.path, 'path', 'is required');
      const file = handle(() => orchestrator.artifactPath(jobId(req.name), req.path));
      const sizeBytes = BigInt((await stat(file)).size);
      for await (const data of createReadStream(file, { highWaterMark: CHUNK_BYTES })) yield { data: data as Buffer, sizeBytes };
    },
  };
}

function jobId(name: string, field = 'name'): string {
  const match = /^jobs\/([A-Za-z0-9-]+)$/.exec(name);
  if (!match) throw invalidArgument(field, `must be "jobs/{job_id}", got "${name}"`);
  return match[1];
}

function studyId(name: string, field = 'name'): string {
  const match = /^studies\/([A-Za-z0-9-]+)$/.exec(name);
  if (!match) throw invalidArgument(field, `must be "studies/{study_id}", got "${name}"`);
  return match[1];
}

function checkLabels(labels: Record<string, string>, field: string): void {
  for (const [key, value] of Object.entries(labels)) {
    require(LABEL_KEY.test(key), `${field}`, `key "${key}" is not a valid label key`);
    require(LABEL_VALUE.test(value), `${field}["${key}"]`, 'must be at most 63 letters, digits, "-", "_" or "."');
  }
}

/** Run `fn`, turning domain errors into statuses. */
function handle<T>(fn: () => T, fields = JOB_FIELDS): T {
  try {
    return fn();
  } catch (error) {
    throw toStatus(error, fields);
  }
}

async function handleAsync<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toStatus(error, JOB_FIELDS);
  }
}

function toStatus(error: unknown, fields: SpecFields): unknown {
  if (error instanceof ConnectError) return error;
  if (error instanceof JobSpecError) return invalidArgument(error.field === 'spec' ? fields.spec : `${fields.spec}.${error.field}`, error.reason);
  if (error instanceof StudyConfigError) return invalidArgument(error.field, error.reason);
  if (error instanceof UnknownJobTypeError) return invalidArgument(fields.type, error.message);
  if (error instanceof JobNotFoundError) return notFound('job', error.jobId);
  if (error instanceof StudyNotFoundError) return notFound('study', error.studyId);
  if (error instanceof ArtifactNotFoundError) return notFound('artifact', error.path);
  if (error instanceof JobFinishedError) return failedPrecondition(error.message);
  if (error instanceof InvalidPageTokenError) return invalidArgument('page_token', error.message);
  if (error instanceof ArtifactPathError) return invalidArgument('path', error.message);
  return error;
}
