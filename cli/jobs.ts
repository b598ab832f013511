// Training verbs: `nnsuite jobs list|get|watch|cancel|types` and `nnsuite train TYPE [--spec JSON] [--KEY VALUE…]
// [--label K=V] [--max-attempts N] [--gpus N] [--watch]`. Spec fields given as --KEY VALUE are parsed as JSON
// when they can be (numbers, booleans, arrays) and kept as strings otherwise.
import { toJsonString, type JsonObject } from '@bufbuild/protobuf';
import { JobSchema, JobState, type Job } from '../gen/nnsuite/common/v1/job_pb.js';
import { TrainingService } from '../gen/nnsuite/training/v1/training_pb.js';
import { parseArgs, type CliContext, type Command } from './command.js';

const jobName = (id: string | undefined): string => {
  if (!id) throw new Error('give a job id (or jobs/ID)');
  return id.startsWith('jobs/') ? id : `jobs/${id}`;
};

const integer = (value: string | undefined, flag: string): number => {
  if (value === undefined) return 0;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${flag} must be a non-negative integer`);
  return n;
};

function labels(values: string | undefined): Record<string, string> {
  if (!values) return {};
  return Object.fromEntries(
    values.split(',').map((pair) => {
      const [key, value] = pair.split('=', 2);
      if (!key || value === undefined) throw new Error(`--label wants KEY=VALUE[,KEY=VALUE…], got "${pair}"`);
      return [key, value];
    }),
  );
}

function summary(job: Job): string {
  const metrics = new Map(job.metrics.map((m) => [m.name, m.value]));
  const latest = [...metrics].map(([k, v]) => `${k}=${v.toPrecision(4)}`).join(' ');
  return `${job.name} ${job.type} ${JobState[job.state]} ${(job.progress * 100).toFixed(0)}% attempts=${job.attempts}${latest ? ` ${latest}` : ''}${job.error ? ` error="${job.error}"` : ''}`;
}

/** Follow a job to its end, printing state changes and metric points; returns the final line. */
async function watch(name: string, ctx: CliContext): Promise<string> {
  let last: Job | undefined;
  for await (const { job, metrics } of ctx.client(TrainingService).watchJob({ name })) {
    if (!job) continue;
    if (job.state !== last?.state) ctx.print(`${JobState[job.state]}${job.error ? ` (${job.error})` : ''}`);
    for (const m of metrics) ctx.print(`  step ${m.step} ${m.name}=${m.value}`);
    last = job;
  }
  if (!last) throw new Error(`${name}: the watch ended without news`);
  const full = await ctx.client(TrainingService).getJob({ name });
  return `${name} ${JobState[full.state]}${full.result ? ` result=${JSON.stringify(full.result)}` : ''}${full.error ? ` error="${full.error}"` : ''}`;
}

/** `--KEY VALUE` flags other than the verb's own, as spec fields. */
function specFrom(flags: Record<string, string>, own: string[]): JsonObject {
  const spec: JsonObject = flags.spec ? (JSON.parse(flags.spec) as JsonObject) : {};
  for (const [key, value] of Object.entries(flags)) {
    if (own.includes(key)) continue;
    try {
      spec[key] = JSON.parse(value);
    } catch {
      spec[key] = value;
    }
  }
  return spec;
}

export const commands: Record<string, Command> = {
  'jobs list': {
    usage: 'jobs list [--type T] [--state QUEUED|RUNNING|SUCCEEDED|FAILED|CANCELLED] [--label K=V,…] [--study studies/ID] [--page-size N] [--page-token T]   jobs, newest first',
    async run(args, ctx) {
      const { flags } = parseArgs(args);
      const state = flags.state ? JobState[flags.state.toUpperCase() as keyof typeof JobState] : JobState.UNSPECIFIED;
      if (state === undefined) throw new Error(`--state: unknown state "${flags.state}"`);
      const page = await ctx.client(TrainingService).listJobs({
        type: flags.type ?? '',
        state,
        labels: labels(flags.label),
        study: flags.study ?? '',
        pageSize: integer(flags['page-size'], 'page-size'),
        pageToken: flags['page-token'] ?? '',
      });
      for (const job of page.jobs) ctx.print(summary(job));
      return `${page.jobs.length} jobs${page.nextPageToken ? ` (more: --page-token ${page.nextPageToken})` : ''}`;
    },
  },
  'jobs get': {
    usage: 'jobs get ID   one job with its metrics and artifacts, as JSON',
    async run(args, ctx) {
      const job = await ctx.client(TrainingService).getJob({ name: jobName(args[0]) });
      ctx.print(summary(job));
      return toJsonString(JobSchema, job);
    },
  },
  'jobs watch': {
    usage: 'jobs watch ID   follow a job: state changes and metrics until it ends',
    run: (args, ctx) => watch(jobName(args[0]), ctx),
  },
  'jobs cancel': {
    usage: 'jobs cancel ID   stop a queued or running job',
    async run(args, ctx) {
      const job = await ctx.client(TrainingService).cancelJob({ name: jobName(args[0]) });
      return `${job.name} ${JobState[job.state]}`;
    },
  },
  'jobs types': {
    usage: 'jobs types   the job types `train` can start',
    async run(_args, ctx) {
      const { jobTypes } = await ctx.client(TrainingService).listJobTypes({});
      for (const t of jobTypes) ctx.print(`${t.name.padEnd(32)} ${t.description}`);
      return `${jobTypes.length} job types`;
    },
  },
  train: {
    usage: 'train TYPE [--spec JSON] [--KEY VALUE…] [--label K=V,…] [--max-attempts N] [--gpus N] [--watch]   queue a training job (spec fields as --KEY VALUE)',
    async run(args, ctx) {
      const own = ['spec', 'label', 'max-attempts', 'gpus', 'watch'];
      const { positional, flags } = parseArgs(args, ['watch']);
      const type = positional[0];
      if (!type) throw new Error('give a job type (nnsuite jobs types lists them)');
      const job = await ctx.client(TrainingService).createJob({
        job: { type, spec: specFrom(flags, own), labels: labels(flags.label), maxAttempts: integer(flags['max-attempts'], 'max-attempts'), gpuCount: integer(flags.gpus, 'gpus') },
      });
      if (flags.watch !== 'true') return `queued ${job.name}`;
      ctx.print(`queued ${job.name}`);
      return watch(job.name, ctx);
    },
  },
};
