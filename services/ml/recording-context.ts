// For tests of job types: a JobContext over a fresh temporary artifact folder that records the metrics and
// progress a job reports (what the orchestrator's worker would forward).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { localJobContext, type JobContext } from './job-type.js';

export interface RecordingContext extends JobContext {
  metrics: { values: Record<string, number>; step: number }[];
  progress: number[];
  /** Delete the artifact folder. */
  remove(): void;
}

export function recordingContext(signal = new AbortController().signal): RecordingContext {
  const artifactDir = mkdtempSync(path.join(os.tmpdir(), 'nnsuite-job-'));
  const metrics: RecordingContext['metrics'] = [];
  const progress: number[] = [];
  return {
    ...localJobContext(artifactDir, {
      signal,
      reportMetrics: async (values, step) => { metrics.push({ values, step }); },
      reportProgress: async (f) => { progress.push(f); },
    }),
    metrics,
    progress,
    remove: () => rmSync(artifactDir, { recursive: true, force: true }),
  };
}
