// Shared by the morphnet tests: a tiny 28×28 network that learns the synthetic task in a few dozen steps,
// and a JobContext that records what a job reports.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { JobContext } from '../ml/job-type.js';
import { bn, conv, dense } from './example-networks.js';
import type { NetworkSpec } from './network.js';

export const tinyNet = (w1 = 6, w2 = 8): NetworkSpec => ({
  name: 'tiny',
  input: { height: 28, width: 28, channels: 1 },
  layers: [conv('c1', w1, { stride: 2 }), bn('c1_bn'), conv('c2', w2, { stride: 2 }), bn('c2_bn'), dense('logits', 10)],
});

export interface RecordingContext extends JobContext {
  metrics: { values: Record<string, number>; step: number }[];
  progress: number[];
  remove(): void;
}

export function recordingContext(signal = new AbortController().signal): RecordingContext {
  const artifactDir = mkdtempSync(path.join(os.tmpdir(), 'nnsuite-morphnet-'));
  const metrics: RecordingContext['metrics'] = [];
  const progress: number[] = [];
  return {
    signal,
    artifactDir,
    metrics,
    progress,
    reportMetrics: async (values, step) => { metrics.push({ values, step }); },
    reportProgress: async (f) => { progress.push(f); },
    log: () => {},
    remove: () => rmSync(artifactDir, { recursive: true, force: true }),
  };
}
