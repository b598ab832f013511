// Parallel pairs (scripts/data/parrotron-pairs.ts) → log-mel training examples, and the phoneme vocabulary.
import { logMel } from '../ml/audio/log-mel.js';
import { fitNormalizer } from '../speech/data/features.js';
import type { Normalizers, ParallelExample } from './model/parrotron-training.js';

export interface AudioPair {
  input: Float32Array; // 16 kHz
  target: Float32Array; // 16 kHz, canonical voice
  phonemes: string[];
}

/** The sorted set of phoneme tokens (the model's output symbols are 1 + index). */
export const phonemeVocabulary = (pairs: { phonemes: string[] }[]) => [...new Set(pairs.flatMap((p) => p.phonemes))].sort();

export function toExamples(pairs: AudioPair[], vocabulary: string[]): ParallelExample[] {
  return pairs.map((p) => ({
    input: logMel(p.input).frames,
    target: logMel(p.target).frames,
    // Tokens the vocabulary lacks (a personalization text with a new phoneme) are dropped from the aux task.
    phonemes: p.phonemes.map((t) => vocabulary.indexOf(t) + 1).filter((id) => id > 0),
  }));
}

export function fitNormalizers(examples: ParallelExample[]): Normalizers {
  return { input: fitNormalizer(examples.map((e) => e.input)), target: fitNormalizer(examples.map((e) => e.target)) };
}
