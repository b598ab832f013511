// A study as the orchestrator keeps it (plain data): a Katib-style experiment over one job type.
import type { JsonValue } from '@bufbuild/protobuf';

export type ParameterDomain =
  | { kind: 'double'; min: number; max: number; logScale: boolean; /** grid only */ step: number }
  | { kind: 'int'; min: number; max: number; logScale: boolean }
  | { kind: 'categorical'; values: JsonValue[] };

export interface ParameterSpec {
  /** Top-level field of the trial type's spec. */
  name: string;
  domain: ParameterDomain;
}

export interface MedianStopRule {
  minTrialsRequired: number;
  startStep: number;
}

export interface StudyConfig {
  trialType: string;
  baseSpec: Record<string, unknown>;
  objective: { metric: string; goal: 'minimize' | 'maximize' };
  parameters: ParameterSpec[];
  algorithm: 'random' | 'grid';
  seed: number;
  parallelism: number;
  maxTrials: number;
  maxFailedTrials: number;
  medianStop?: MedianStopRule;
  labels: Record<string, string>;
}

export type StudyState = 'RUNNING' | 'SUCCEEDED' | 'FAILED';

export interface StudyRecord extends StudyConfig {
  id: string;
  state: StudyState;
  /** Job id of the best succeeded trial, '' while none. */
  bestTrial: string;
  createTime: number;
  endTime?: number;
}

export interface TrialRecord {
  studyId: string;
  jobId: string;
  /** 0-based order of creation; the search algorithm's index. */
  index: number;
  parameters: Record<string, JsonValue>;
  earlyStopped: boolean;
}

/** A study field that is missing or out of range; the handler names it in INVALID_ARGUMENT. */
export class StudyConfigError extends Error {
  constructor(readonly field: string, readonly reason: string) {
    super(`${field}: ${reason}`);
    this.name = 'StudyConfigError';
  }
}
