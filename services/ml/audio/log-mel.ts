// Log-mel filterbank features, computed incrementally so a stream needs no look-ahead beyond one window:
// 25 ms Hann window, 10 ms hop, 512-point FFT (fft.js), 80 triangular filters on the HTK mel scale
// (mel = 2595·log10(1 + f/700)) between 20 Hz and 8 kHz, natural log of the filter energies.
import FFT from 'fft.js';

export interface LogMelConfig {
  sampleRate: number;
  windowSamples: number;
  hopSamples: number;
  fftSize: number;
  melBins: number;
  minHz: number;
  maxHz: number;
}

export const DEFAULT_LOG_MEL: LogMelConfig = {
  sampleRate: 16000,
  windowSamples: 400,
  hopSamples: 160,
  fftSize: 512,
  melBins: 80,
  minHz: 20,
  maxHz: 8000,
};

/** Added to filter energies before the log so digital silence stays finite. */
const ENERGY_FLOOR = 1e-6;

export const hzToMel = (hz: number) => 2595 * Math.log10(1 + hz / 700);
export const melToHz = (mel: number) => 700 * (10 ** (mel / 2595) - 1);

/** Centre frequency (Hz) of each mel filter. */
export function melCentresHz(config: LogMelConfig = DEFAULT_LOG_MEL): number[] {
  const lo = hzToMel(config.minHz);
  const hi = hzToMel(config.maxHz);
  return Array.from({ length: config.melBins }, (_, m) => melToHz(lo + ((m + 1) * (hi - lo)) / (config.melBins + 1)));
}

/** Filter m as (first FFT bin, weights over consecutive bins). */
export interface MelFilter { first: number; weights: Float32Array }

/** The triangular HTK mel filters of the front end (Parrotron's Griffin-Lim inverts with the same ones). */
export function melFilters(config: LogMelConfig): MelFilter[] {
  const lo = hzToMel(config.minHz);
  const hi = hzToMel(config.maxHz);
  const edges = Array.from({ length: config.melBins + 2 }, (_, i) => melToHz(lo + (i * (hi - lo)) / (config.melBins + 1)));
  const binHz = config.sampleRate / config.fftSize;
  const filters: MelFilter[] = [];
  for (let m = 0; m < config.melBins; m++) {
    const [left, centre, right] = [edges[m], edges[m + 1], edges[m + 2]];
    const first = Math.ceil(left / binHz);
    const last = Math.min(config.fftSize / 2, Math.floor(right / binHz));
    const weights = new Float32Array(Math.max(0, last - first + 1));
    for (let k = first; k <= last; k++) {
      const f = k * binHz;
      weights[k - first] = Math.max(0, f <= centre ? (f - left) / (centre - left) : (right - f) / (right - centre));
    }
    filters.push({ first, weights });
  }
  return filters;
}

/** Computes one log-mel frame from one window of samples; reusable buffers, not thread-shared. */
export class LogMelFrameComputer {
  private readonly fft: FFT;
  private readonly window: Float32Array;
  private readonly filters: MelFilter[];
  private readonly padded: Float64Array;
  private readonly spectrum: number[];
  private readonly power: Float64Array;

  constructor(readonly config: LogMelConfig = DEFAULT_LOG_MEL) {
    this.fft = new FFT(config.fftSize);
    // Periodic Hann window (as torch.hann_window / librosa use for spectral analysis).
    this.window = Float32Array.from({ length: config.windowSamples }, (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / config.windowSamples));
    this.filters = melFilters(config);
    this.padded = new Float64Array(config.fftSize);
    this.spectrum = this.fft.createComplexArray();
    this.power = new Float64Array(config.fftSize / 2 + 1);
  }

  /** Write the frame starting at `samples[offset]` into `out[outOffset .. + melBins)`. */
  compute(samples: Float32Array, offset: number, out: Float32Array, outOffset: number): void {
    const { windowSamples, fftSize, melBins } = this.config;
    for (let n = 0; n < windowSamples; n++) this.padded[n] = samples[offset + n] * this.window[n];
    this.padded.fill(0, windowSamples);
    this.fft.realTransform(this.spectrum, this.padded);
    for (let k = 0; k <= fftSize / 2; k++) {
      const re = this.spectrum[2 * k];
      const im = this.spectrum[2 * k + 1];
      this.power[k] = re * re + im * im;
    }
    for (let m = 0; m < melBins; m++) {
      const { first, weights } = this.filters[m];
      let energy = 0;
      for (let i = 0; i < weights.length; i++) energy += weights[i] * this.power[first + i];
      out[outOffset + m] = Math.log(energy + ENERGY_FLOOR);
    }
  }
}

/** Frames of a whole signal: floor((N − window)/hop) + 1 frames (no padding), row-major [frames][melBins]. */
export function logMel(samples: Float32Array, config: LogMelConfig = DEFAULT_LOG_MEL): { frames: Float32Array; numFrames: number } {
  const stream = new StreamingLogMel(config);
  const frames = stream.push(samples);
  return { frames, numFrames: frames.length / config.melBins };
}

/**
 * Incremental log-mel: push samples as they arrive, get every frame whose window is now complete. The
 * frames equal those of `logMel` on the concatenated input, whatever the chunking.
 */
export class StreamingLogMel {
  private readonly computer: LogMelFrameComputer;
  private pending = new Float32Array(0);
  /** Frames emitted so far. */
  framesEmitted = 0;

  constructor(readonly config: LogMelConfig = DEFAULT_LOG_MEL) {
    this.computer = new LogMelFrameComputer(config);
  }

  push(samples: Float32Array): Float32Array {
    const { windowSamples, hopSamples, melBins } = this.config;
    const joined = new Float32Array(this.pending.length + samples.length);
    joined.set(this.pending);
    joined.set(samples, this.pending.length);
    const count = joined.length >= windowSamples ? Math.floor((joined.length - windowSamples) / hopSamples) + 1 : 0;
    const out = new Float32Array(count * melBins);
    for (let f = 0; f < count; f++) this.computer.compute(joined, f * hopSamples, out, f * melBins);
    this.pending = joined.slice(count * hopSamples);
    this.framesEmitted += count;
    return out;
  }
}
