// Conversions between the orchestrator's plain records and the contract's messages (handlers only).
import { create, fromJson, toJson, type JsonObject, type JsonValue } from '@bufbuild/protobuf';
import { ListValueSchema, timestampDate, timestampFromMs, type Timestamp } from '@bufbuild/protobuf/wkt';
import { ArtifactSchema, JobSchema, JobState as JobStateEnum, MetricPointSchema, type Job, type MetricPoint as MetricPointMessage } from '../../gen/nnsuite/common/v1/job_pb.js';
import {
  ObjectiveGoal,
  ParameterSpecSchema,
  SearchAlgorithm,
  StudySchema,
  StudyState as StudyStateEnum,
  TrialSchema,
  type ParameterSpec as ParameterSpecMessage,
  type Study,
} from '../../gen/nnsuite/training/v1/training_pb.js';
import type { ArtifactInfo, JobRecord, JobState, MetricPoint } from './job-state.js';
import type { StudyView } from './study-controller.js';
import { StudyConfigError, type ParameterSpec, type StudyConfig } from './study-config.js';

export const jobName = (id: string) => `jobs/${id}`;
export const studyName = (id: string) => `studies/${id}`;

const ts = (ms: number | undefined): Timestamp | undefined => (ms === undefined ? undefined : timestampFromMs(ms));

export function jobToMessage(job: JobRecord, metrics: MetricPoint[] = [], artifacts: ArtifactInfo[] = []): Job {
  return create(JobSchema, {
    name: jobName(job.id),
    type: job.type,
    spec: job.spec as JsonObject,
    state: JobStateEnum[job.state],
    progress: job.progress,
    attempts: job.attempts,
    executor: job.executor,
    error: job.error,
    metrics: metrics.map(metricToMessage),
    artifacts: artifacts.map((a) => create(ArtifactSchema, { path: a.path, sizeBytes: BigInt(a.sizeBytes), contentType: a.contentType })),
    result: job.result as JsonObject | undefined,
    labels: job.labels,
    createTime: ts(job.createTime),
    startTime: ts(job.startTime),
    endTime: ts(job.endTime),
    maxAttempts: job.maxAttempts,
    study: job.study ? studyName(job.study) : '',
    gpuCount: job.gpuCount,
  });
}

export function metricToMessage(m: MetricPoint): MetricPointMessage {
  return create(MetricPointSchema, { name: m.name, value: m.value, step: BigInt(m.step), time: timestampFromMs(m.time) });
}

export function metricFromMessage(m: MetricPointMessage): MetricPoint {
  return { name: m.name, value: m.value, step: Number(m.step), time: m.time ? timestampDate(m.time).getTime() : Date.now() };
}

/** The contract's enum value for a state name, or undefined for UNSPECIFIED. */
export function jobStateFromMessage(state: JobStateEnum): JobState | undefined {
  return state === JobStateEnum.UNSPECIFIED ? undefined : (JobStateEnum[state] as JobState);
}

export function studyToMessage({ study, trials }: StudyView): Study {
  return create(StudySchema, {
    name: studyName(study.id),
    trialType: study.trialType,
    baseSpec: study.baseSpec as JsonObject,
    objective: { metricName: study.objective.metric, goal: study.objective.goal === 'minimize' ? ObjectiveGoal.MINIMIZE : ObjectiveGoal.MAXIMIZE },
    parameters: study.parameters.map(parameterToMessage),
    algorithm: study.algorithm === 'grid' ? SearchAlgorithm.GRID : SearchAlgorithm.RANDOM,
    seed: BigInt(study.seed),
    parallelism: study.parallelism,
    maxTrials: study.maxTrials,
    maxFailedTrials: study.maxFailedTrials,
    medianStop: study.medianStop && { minTrialsRequired: study.medianStop.minTrialsRequired, startStep: BigInt(study.medianStop.startStep) },
    labels: study.labels,
    state: StudyStateEnum[study.state],
    trials: trials.map((t) =>
      create(TrialSchema, { job: jobName(t.jobId), parameters: t.parameters as JsonObject, state: JobStateEnum[t.state], objectiveValue: t.objectiveValue, earlyStopped: t.earlyStopped }),
    ),
    bestTrial: study.bestTrial ? jobName(study.bestTrial) : '',
    createTime: ts(study.createTime),
    endTime: ts(study.endTime),
  });
}

function parameterToMessage(p: ParameterSpec): ParameterSpecMessage {
  const d = p.domain;
  const domain =
    d.kind === 'double'
      ? { case: 'doubleDomain' as const, value: { min: d.min, max: d.max, logScale: d.logScale, step: d.step } }
      : d.kind === 'int'
        ? { case: 'intDomain' as const, value: { min: BigInt(d.min), max: BigInt(d.max), logScale: d.logScale } }
        : { case: 'categoricalDomain' as const, value: { values: fromJson(ListValueSchema, d.values) } };
  return create(ParameterSpecSchema, { name: p.name, domain });
}

/** The request's study as a StudyConfig with defaults applied; throws StudyConfigError naming the field. */
export function studyFromMessage(s: Study): StudyConfig {
  const goal = s.objective?.goal === ObjectiveGoal.MAXIMIZE ? 'maximize' : s.objective?.goal === ObjectiveGoal.MINIMIZE ? 'minimize' : undefined;
  if (!goal) throw new StudyConfigError('study.objective.goal', 'must be MINIMIZE or MAXIMIZE');
  return {
    trialType: s.trialType,
    baseSpec: s.baseSpec ?? {},
    objective: { metric: s.objective?.metricName ?? '', goal },
    parameters: s.parameters.map((p, i) => ({ name: p.name, domain: domainFromMessage(p, i) })),
    algorithm: s.algorithm === SearchAlgorithm.GRID ? 'grid' : 'random',
    seed: Number(s.seed),
    parallelism: s.parallelism || 1,
    maxTrials: s.maxTrials,
    maxFailedTrials: s.maxFailedTrials,
    medianStop: s.medianStop && { minTrialsRequired: s.medianStop.minTrialsRequired || 3, startStep: Number(s.medianStop.startStep) },
    labels: s.labels,
  };
}

function domainFromMessage(p: ParameterSpecMessage, i: number): ParameterSpec['domain'] {
  switch (p.domain.case) {
    case 'doubleDomain':
      return { kind: 'double', ...pick(p.domain.value, ['min', 'max', 'logScale', 'step']) };
    case 'intDomain':
      return { kind: 'int', min: Number(p.domain.value.min), max: Number(p.domain.value.max), logScale: p.domain.value.logScale };
    case 'categoricalDomain':
      return { kind: 'categorical', values: p.domain.value.values ? (toJson(ListValueSchema, p.domain.value.values) as JsonValue[]) : [] };
    default:
      throw new StudyConfigError(`study.parameters[${i}]`, 'needs a double_domain, int_domain or categorical_domain');
  }
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, o[k]])) as Pick<T, K>;
}
