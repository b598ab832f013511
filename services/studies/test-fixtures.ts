// Shared by the studies' tests: a JobContext that records what a job reports, over a temporary artifact
// folder, and a miniature data-parallel study spec.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { JobContext } from '../ml/job-type.js';

export interface RecordingContext extends JobContext {
  metrics: { values: Record<string, number>; step: number }[];
  progress: number[];
  remove(): void;
}

export function recordingContext(signal = new AbortController().signal): RecordingContext {
  const artifactDir = mkdtempSync(path.join(os.tmpdir(), 'nnsuite-studies-'));
  const metrics: RecordingContext['metrics'] = [];
  const progress: number[] = [];
  return {
    signal, artifactDir, metrics, progress,
    reportMetrics: async (values, step) => { metrics.push({ values, step }); },
    reportProgress: async (f) => { progress.push(f); },
    log: () => {},
    remove: () => rmSync(artifactDir, { recursive: true, force: true }),
  };
}

/** A miniature data-parallel study on morphnet's synthetic bars task (no files needed). */
export const MINI_DATAPARALLEL = {
  dataset: 'synthetic', batchSizes: [4, 8, 16, 32], optimizers: ['sgd', 'momentum'], trialsPerBatch: 2, stepBudget: 60,
  targetAccuracy: 0.9, learningRateRange: [0.05, 1], trainExamples: 512, valExamples: 128, seed: 2,
};
