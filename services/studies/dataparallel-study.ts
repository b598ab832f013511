// The data-parallel study as an orchestrator study (services/training: "studies whose trials are jobs"): a
// grid over optimizer × batch size × Halton point, each trial one `studies.dataparallel-trial` job, run
// `parallelism` at a time by whatever executor the orchestrator has — local worker processes or Kubernetes
// Jobs, with no change here — then the trials' results gathered and handed to one `studies.dataparallel-summary`
// job, whose artifacts are the study's table and plot.
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fromJson, type JsonObject } from '@bufbuild/protobuf';
import { ListValueSchema } from '@bufbuild/protobuf/wkt';
import type { Client } from '@connectrpc/connect';
import { JobState } from '../../gen/nnsuite/common/v1/job_pb.js';
import { ObjectiveGoal, SearchAlgorithm, StudyState, type Study, type TrainingService } from '../../gen/nnsuite/training/v1/training_pb.js';
import { summarizeAll, type DataParallelResult, type Trial } from './dataparallel.js';
import { dataParallelTrialJob, type DataParallelSpec } from './dataparallel-job.js';
import { dataParallelSummaryJob } from './dataparallel-summary-job.js';

/** The CreateStudy message of a data-parallel study. */
export function dataParallelStudy(spec: DataParallelSpec, parallelism: number) {
  const { batchSizes, optimizers, trialsPerBatch, ...settings } = spec;
  const maxTrials = optimizers.length * batchSizes.length * trialsPerBatch;
  return {
    trialType: dataParallelTrialJob.name,
    baseSpec: JSON.parse(JSON.stringify(settings)) as JsonObject, // drops an absent datasetDir
    objective: { metricName: 'steps_to_target', goal: ObjectiveGoal.MINIMIZE },
    // Grid order: the last parameter varies fastest, so the trials of one batch size run side by side.
    parameters: [
      { name: 'optimizer', domain: { case: 'categoricalDomain' as const, value: { values: fromJson(ListValueSchema, optimizers) } } },
      { name: 'batchSize', domain: { case: 'categoricalDomain' as const, value: { values: fromJson(ListValueSchema, batchSizes) } } },
      { name: 'trial', domain: { case: 'intDomain' as const, value: { min: 1n, max: BigInt(trialsPerBatch) } } },
    ],
    algorithm: SearchAlgorithm.GRID,
    parallelism,
    maxTrials,
    // A trial that misses the target still succeeds; a failure is a crash (memory, a lost pod): tolerate a few.
    maxFailedTrials: Math.max(1, Math.floor(maxTrials / 10)),
    labels: { 'nnsuite.dev/study-kind': 'dataparallel' },
  };
}

export interface StudyRun {
  /** `studies/{id}` on the orchestrator. */
  study: string;
  result: DataParallelResult;
  /** Trial jobs that failed (their trials are missing from `result`). */
  failedTrials: string[];
  /** `jobs/{id}` of the summary job holding the artifacts. */
  summaryJob: string;
}

const ENDED = [JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED];

/** Create the study, follow it to its end, and gather every succeeded trial's result. */
export async function runDataParallelStudy(client: Client<typeof TrainingService>, spec: DataParallelSpec, parallelism: number, onUpdate?: (study: Study) => void): Promise<StudyRun> {
  let study = await client.createStudy({ study: dataParallelStudy(spec, parallelism) });
  for await (const update of client.watchStudy({ name: study.name })) {
    study = update.study!;
    onUpdate?.(study);
    if (study.state !== StudyState.RUNNING) break;
  }
  if (study.state === StudyState.RUNNING) study = await client.getStudy({ name: study.name }); // the stream ended early
  if (study.state !== StudyState.SUCCEEDED) throw new Error(`${study.name} ended ${StudyState[study.state]}`);
  const trials: Trial[] = [], failedTrials: string[] = [];
  for (const t of study.trials) {
    const job = await client.getJob({ name: t.job });
    if (job.state === JobState.SUCCEEDED && job.result) trials.push(job.result as unknown as Trial);
    else failedTrials.push(`${t.job}: ${JobState[job.state]} ${job.error}`);
  }
  const { batchSizes, optimizers, trialsPerBatch: _t, datasetDir: _d, ...settings } = spec;
  let summary = await client.createJob({
    job: { type: dataParallelSummaryJob.name, spec: JSON.parse(JSON.stringify({ batchSizes, optimizers, trials, setup: { ...settings, study: study.name } })) as JsonObject, labels: { 'nnsuite.dev/study-kind': 'dataparallel' } },
  });
  for await (const update of client.watchJob({ name: summary.name })) {
    summary = update.job!;
    if (ENDED.includes(summary.state)) break;
  }
  if (summary.state !== JobState.SUCCEEDED) throw new Error(`${summary.name} (summary) ended ${JobState[summary.state]}: ${summary.error}`);
  return { study: study.name, result: summarizeAll(trials, spec), failedTrials, summaryJob: summary.name };
}

/** Copy a job's artifacts into `dir`. */
export async function downloadArtifacts(client: Client<typeof TrainingService>, job: string, paths: string[], dir: string): Promise<void> {
  for (const p of paths) {
    const chunks = async function* () {
      for await (const chunk of client.downloadArtifact({ name: job, path: p })) yield chunk.data;
    };
    await pipeline(chunks(), createWriteStream(path.join(dir, p)));
  }
}
