// The training set of the served recognizer: AN4 train minus the held-out dev speakers, the FSDD train
// split and the espeak-ng speech of scripts/data/synth-speech.ts, as normalized log-mel examples.
import { an4Train, fsdd, splitBySpeaker, synthesized, type Utterance } from './data/corpora.js';
import { cachedLogMel } from './data/feature-cache.js';
import { fitNormalizer, normalize, type FeatureNormalizer } from './data/features.js';
import { encodeText } from './model/vocabulary.js';
import type { Example } from './rnnt-training.js';

export interface TrainingDataPaths {
  an4: string;
  fsdd: string;
  synth: string;
  /** Where computed features are kept between runs. */
  featureCache: string;
}

export interface TrainingData {
  examples: Example[];
  normalizer: FeatureNormalizer;
  /** Utterances per source, and hours of audio in all. */
  counts: Record<string, number>;
  hours: number;
}

/** Load every source; `normalizer` (when resuming) keeps the scaling the weights were trained with. */
export function loadTrainingData(paths: TrainingDataPaths, normalizer?: FeatureNormalizer): TrainingData {
  const sources: [string, Utterance[]][] = [
    ['an4', splitBySpeaker(an4Train(paths.an4)).train],
    ['fsdd', fsdd('train', paths.fsdd)],
    ['synth', synthesized(paths.synth)],
  ];
  const raw: { u: Utterance; frames: Float32Array; numFrames: number }[] = [];
  for (const [name, list] of sources) {
    cachedLogMel(list, paths.featureCache, `train-${name}`).forEach((f, i) => raw.push({ u: list[i], ...f }));
  }
  const norm = normalizer ?? fitNormalizer(raw.map((r) => r.frames));
  return {
    examples: raw.map((r) => ({ id: r.u.id, features: normalize(r.frames, norm), numFrames: r.numFrames, labels: encodeText(r.u.text) })),
    normalizer: norm,
    counts: Object.fromEntries(sources.map(([n, l]) => [n, l.length])),
    hours: raw.reduce((s, r) => s + r.numFrames, 0) / 100 / 3600,
  };
}
