// Speech in, speech out: 16 kHz samples → log-mel → Parrotron → Griffin-Lim waveform in the canonical voice.
import { logMel } from '../ml/audio/log-mel.js';
import { griffinLim } from './griffin-lim.js';
import { convertLogMel, type MelConversion } from './model/parrotron-inference.js';
import type { LoadedParrotron } from './model/model-io.js';

export interface SpeechConversion extends MelConversion {
  /** 16 kHz output samples, peak-normalized. */
  samples: Float32Array;
}

/** Output level: the model predicts the canonical voice's normalized spectrum, not the input's loudness. */
const OUTPUT_PEAK = 0.7;

export function convertSpeech(loaded: LoadedParrotron, samples: Float32Array, griffinLimIterations = 24): SpeechConversion {
  const { frames } = logMel(samples);
  const converted = convertLogMel(loaded.model, loaded.normalizers, frames);
  const out = griffinLim(converted.mel, griffinLimIterations);
  let peak = 0;
  for (const s of out) peak = Math.max(peak, Math.abs(s));
  if (peak > 0) for (let i = 0; i < out.length; i++) out[i] *= OUTPUT_PEAK / peak;
  return { ...converted, samples: out };
}
