// The data-parallel study as an orchestrator study (services/training: "studies whose trials are jobs"): a
// grid over optimizer × batch size × Halton point, each trial one `studies.dataparallel-trial` job, run
// `parallelism` at a time by whatever executor the orchestrator has — local worker processes or Kubernetes
// Jobs, with no change here — then the trials' results gathered into the same curves and regime fits as the
// in-process study.
import { fromJson, type JsonObject } from '@bufbuild/protobuf';
import { ListValueSchema } from '@bufbuild/protobuf/wkt';
import type { Client } from '@connectrpc/connect';
import { JobState } from '../../gen/nnsuite/common/v1/job_pb.js';
import { ObjectiveGoal, SearchAlgorithm, StudyState, type Study, type TrainingService } from '../../gen/nnsuite/training/v1/training_pb.js';
import { summarizeAll, type DataParallelResult, type Trial } from './dataparallel.js';
import { dataParallelTrialJob, type DataParallelSpec } from './dataparallel-job.js';

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
}

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
  return { study: study.name, result: summarizeAll(trials, spec), failedTrials };
}
