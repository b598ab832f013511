// Utterance features for training and evaluation: 16 kHz log-mel frames and the global mean/variance
// normalization the model was trained with (global, not per utterance, so streaming needs no look-ahead).
import { readFileSync } from 'node:fs';
import { decodeWavToModelRate, MODEL_SAMPLE_RATE } from '../../ml/audio/audio-input.js';
import { logMel, DEFAULT_LOG_MEL } from '../../ml/audio/log-mel.js';
import { resample } from '../../ml/audio/resample.js';

export interface FeatureNormalizer {
  mean: number[];
  std: number[];
}

/**
 * Raw log-mel frames [frames × 80] of a WAV file, played `speed` times faster: the 16 kHz samples read as if
 * recorded at 16·speed kHz and resampled back to 16 kHz.
 */
export function fileLogMel(path: string, speed = 1): { frames: Float32Array; numFrames: number } {
  const samples = decodeWavToModelRate(readFileSync(path));
  return logMel(speed === 1 ? samples : resample(samples, MODEL_SAMPLE_RATE * speed, MODEL_SAMPLE_RATE));
}

export function fitNormalizer(sets: Float32Array[], bins = DEFAULT_LOG_MEL.melBins): FeatureNormalizer {
  const sum = new Float64Array(bins);
  const sq = new Float64Array(bins);
  let n = 0;
  for (const frames of sets) {
    for (let i = 0; i < frames.length; i++) {
      sum[i % bins] += frames[i];
      sq[i % bins] += frames[i] * frames[i];
    }
    n += frames.length / bins;
  }
  const mean = Array.from(sum, (s) => s / n);
  return { mean, std: Array.from(sq, (s, k) => Math.sqrt(Math.max(s / n - mean[k] ** 2, 1e-8))) };
}

/** Normalize frames in place. */
export function normalize(frames: Float32Array, norm: FeatureNormalizer): Float32Array {
  const bins = norm.mean.length;
  for (let i = 0; i < frames.length; i++) frames[i] = (frames[i] - norm.mean[i % bins]) / norm.std[i % bins];
  return frames;
}
