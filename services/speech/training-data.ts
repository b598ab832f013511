// The training set of the served recognizer: AN4 train minus the held-out dev speakers, the FSDD train
// split and the espeak-ng speech of scripts/data/synth-speech.ts, as normalized log-mel examples.
import { an4Train, fsdd, speedPerturbed, splitBySpeaker, synthesized, type Utterance } from './data/corpora.js';
import { cachedLogMel } from './data/feature-cache.js';
import { fitNormalizer, normalize, type FeatureNormalizer } from './data/features.js';
import { encodeText } from './model/vocabulary.js';
import { seededRandom } from '../ml/seeded-random.js';
import type { Example } from './rnnt-training.js';

export interface TrainingDataPaths {
  an4: string;
  fsdd: string;
  synth: string;
  /** Where computed features are kept between runs. */
  featureCache: string;
}

export type SourceName = 'an4' | 'fsdd' | 'synth' | 'an4sp';

/**
 * How often each source's utterances appear per epoch: 2 repeats every utterance twice, 0.3 keeps a seeded
 * 30 %. AN4 is weighted up and FSDD down because 2,700 one-word digit clips otherwise teach a short run
 * little more than a digit prior (the 644-step model answered "three" to most AN4 utterances). `an4sp` is AN4
 * train speed-perturbed by 0.9 and 1.1 (`SPEED_FACTORS`; weight 1 adds each copy once per epoch).
 */
export type SourceMix = Record<SourceName, number>;
export const DEFAULT_MIX: SourceMix = { an4: 2, fsdd: 0.3, synth: 1, an4sp: 0 };
export const SPEED_FACTORS = [0.9, 1.1];

/** Parse `an4=2,fsdd=0.3,synth=1` (sources left out keep their default weight). */
export function parseMix(text: string): SourceMix {
  const mix = { ...DEFAULT_MIX };
  for (const part of text.split(',').filter(Boolean)) {
    const [name, value] = part.split('=');
    if (!(name in mix) || !(Number(value) >= 0)) throw new Error(`mix: expected source=weight with source an4|fsdd|synth|an4sp, got "${part}"`);
    mix[name as SourceName] = Number(value);
  }
  return mix;
}

/** Each item ⌊w⌋ times, plus once more with probability w − ⌊w⌋ (seeded). */
function weighted<T>(items: T[], weight: number, random: () => number): T[] {
  return items.flatMap((item) => Array<T>(Math.floor(weight) + (random() < weight % 1 ? 1 : 0)).fill(item));
}

export interface TrainingData {
  examples: Example[];
  normalizer: FeatureNormalizer;
  /** Utterances per source, and hours of audio in all. */
  counts: Record<string, number>;
  hours: number;
}

/**
 * Load every source, weighted by `mix` (seeded); `normalizer` (when resuming) keeps the scaling the weights
 * were trained with.
 */
export function loadTrainingData(paths: TrainingDataPaths, normalizer?: FeatureNormalizer, mix: SourceMix = DEFAULT_MIX, seed = 1): TrainingData {
  const an4 = splitBySpeaker(an4Train(paths.an4)).train;
  const sources: [SourceName, Utterance[]][] = [
    ['an4', an4],
    ['fsdd', fsdd('train', paths.fsdd)],
    ['synth', synthesized(paths.synth)],
    ['an4sp', mix.an4sp > 0 ? speedPerturbed(an4, SPEED_FACTORS) : []],
  ];
  const random = seededRandom(seed);
  const raw: { u: Utterance; frames: Float32Array; numFrames: number }[] = [];
  const counts: Record<string, number> = {};
  for (const [name, list] of sources) {
    const features = cachedLogMel(list, paths.featureCache, `train-${name}`).map((f, i) => ({ u: list[i], ...f }));
    const kept = weighted(features, mix[name], random);
    counts[name] = kept.length;
    raw.push(...kept);
  }
  // Repeats share one frames array: fit on and normalize each distinct utterance once.
  const distinct = [...new Set(raw)];
  const norm = normalizer ?? fitNormalizer(distinct.map((r) => r.frames));
  const examples = new Map(distinct.map((r) => [r, { id: r.u.id, features: normalize(r.frames, norm), numFrames: r.numFrames, labels: encodeText(r.u.text) }]));
  return {
    examples: raw.map((r) => examples.get(r)!),
    normalizer: norm,
    counts,
    hours: raw.reduce((s, r) => s + r.numFrames, 0) / 100 / 3600,
  };
}
