// The worker entry point, the same in both executors: `tsx services/training/worker.ts --job ID --attempt N
// --orchestrator HOST:PORT [--artifact-dir DIR]`. It fetches the job, runs its type with a JobContext whose
// reports go over gRPC ReportMetrics, and exits 0 when the job succeeded. Without --artifact-dir (a
// Kubernetes pod, which does not share the orchestrator's disk) artifacts are written to a temporary folder
// and uploaded with UploadArtifact.
import { createReadStream } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { create, type JsonObject } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { createClient, type Client } from '@connectrpc/connect';
import { createGrpcTransport, Http2SessionManager } from '@connectrpc/connect-node';
import { ArtifactSchema, JobState, MetricPointSchema } from '../../gen/nnsuite/common/v1/job_pb.js';
import { TrainingService, UploadArtifactRequestSchema } from '../../gen/nnsuite/training/v1/training_pb.js';
import { loadJobType } from './job-registry.js';
import { runJob, type WorkerReport } from './job-runner.js';

const { values: args } = parseArgs({
  options: { job: { type: 'string' }, attempt: { type: 'string' }, orchestrator: { type: 'string' }, 'artifact-dir': { type: 'string' } },
});
if (!args.job || !args.attempt || !args.orchestrator) {
  process.stderr.write('usage: worker.ts --job ID --attempt N --orchestrator HOST:PORT [--artifact-dir DIR]\n');
  process.exit(2);
}
const name = `jobs/${args.job}`;
const attempt = Number(args.attempt);
const log = (msg: string, fields?: Record<string, unknown>) =>
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'info', job: args.job, attempt, msg, ...fields })}\n`);

const sessions = new Http2SessionManager(`http://${args.orchestrator}`);
const client: Client<typeof TrainingService> = createClient(TrainingService, createGrpcTransport({ baseUrl: `http://${args.orchestrator}`, sessionManager: sessions }));

const stop = new AbortController();
process.once('SIGTERM', () => stop.abort());

async function report(r: WorkerReport): Promise<{ cancelled: boolean }> {
  return client.reportMetrics({
    name,
    attempt,
    metrics: (r.metrics ?? []).map((m) => create(MetricPointSchema, { name: m.name, value: m.value, step: BigInt(m.step), time: timestampFromMs(m.time) })),
    progress: r.progress,
    artifacts: (r.artifacts ?? []).map((a) => create(ArtifactSchema, { path: a.path, sizeBytes: BigInt(a.sizeBytes), contentType: a.contentType })),
    result: r.result as JsonObject | undefined,
    error: r.error ?? '',
  });
}

async function upload(file: string, relativePath: string): Promise<void> {
  async function* chunks() {
    yield create(UploadArtifactRequestSchema, { name, path: relativePath });
    for await (const data of createReadStream(file, { highWaterMark: 1 << 20 })) yield create(UploadArtifactRequestSchema, { data: data as Buffer });
  }
  await client.uploadArtifact(chunks());
}

let code = 1;
try {
  const job = await client.getJob({ name });
  // A pod Kubernetes restarted after this attempt already ended, or an attempt superseded by a retry.
  if (job.state !== JobState.RUNNING || job.attempts !== attempt) {
    log('attempt no longer current; nothing to do', { state: JobState[job.state], attempts: job.attempts });
    sessions.abort();
    process.exit(0);
  }
  const type = await loadJobType(job.type);
  const artifactDir = args['artifact-dir'] ?? (await mkdtemp(path.join(os.tmpdir(), `nnsuite-job-${args.job}-`)));
  log('running', { type: job.type });
  const outcome = await runJob(type, job.spec ?? {}, { artifactDir, report, log, signal: stop.signal, upload: args['artifact-dir'] ? undefined : upload });
  log('finished', { outcome });
  code = outcome === 'succeeded' ? 0 : 1;
} catch (error) {
  // Not the job's own failure (that is reported above) but the worker's: unknown type, unreachable orchestrator.
  log('worker failed', { error: error instanceof Error ? error.message : String(error) });
} finally {
  sessions.abort();
}
process.exit(code);
