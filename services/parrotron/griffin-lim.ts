// Waveform from a log-mel spectrogram: map mel energies back to linear-frequency magnitudes with the
// filterbank's pseudo-inverse (the transpose, normalized per FFT bin), then Griffin & Lim (1984): alternate
// an inverse STFT (weighted overlap-add) with keeping only the phase of the re-analysed signal. Uses the
// front end's framing (services/ml/audio/log-mel.ts: 25 ms Hann window, 10 ms hop, 512-point FFT, HTK mel).
import FFT from 'fft.js';
import { DEFAULT_LOG_MEL, melFilters, type LogMelConfig } from '../ml/audio/log-mel.js';

/** Dense filterbank [melBins × (fft/2+1)]: the front end's own triangles (log-mel.ts), laid out in full rows. */
export function melFilterbank(c: LogMelConfig = DEFAULT_LOG_MEL): Float64Array[] {
  return melFilters(c).map(({ first, weights }) => {
    const row = new Float64Array(c.fftSize / 2 + 1);
    row.set(weights, first);
    return row;
  });
}

/** Linear power spectrogram [frames][bins] from log-mel frames (row-major [frames × melBins]). */
export function melToLinearPower(logMel: Float32Array, c: LogMelConfig = DEFAULT_LOG_MEL): Float64Array[] {
  const fb = melFilterbank(c);
  const bins = c.fftSize / 2 + 1;
  // A filter's energy is Σ_k w_k·P_k ≈ P·Σ_k w_k on a locally flat spectrum, and adjacent triangles sum to 1 at
  // each bin, so P_k ≈ Σ_m w_mk·E_m / area_m inverts the filterbank for smooth spectra.
  const area = fb.map((row) => row.reduce((a, b) => a + b, 0));
  const frames = logMel.length / c.melBins;
  return Array.from({ length: frames }, (_, t) => {
    const out = new Float64Array(bins);
    for (let m = 0; m < c.melBins; m++) {
      if (area[m] === 0) continue;
      const energy = Math.exp(logMel[t * c.melBins + m]) / area[m];
      const row = fb[m];
      for (let k = 0; k < bins; k++) if (row[k] > 0) out[k] += row[k] * energy;
    }
    return out;
  });
}

/** Griffin-Lim reconstruction of 16 kHz samples from log-mel frames. */
export function griffinLim(logMel: Float32Array, iterations = 24, c: LogMelConfig = DEFAULT_LOG_MEL): Float32Array {
  const { windowSamples: W, hopSamples: H, fftSize: N } = c;
  const magnitude = melToLinearPower(logMel, c).map((p) => p.map(Math.sqrt));
  const frames = magnitude.length;
  const length = frames > 0 ? (frames - 1) * H + W : 0;
  const window = Float64Array.from({ length: W }, (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / W));
  const fft = new FFT(N);
  const spectrum = fft.createComplexArray() as number[];
  const full = fft.createComplexArray() as number[];
  const frame = new Float64Array(N);
  const windowSum = new Float64Array(length);
  for (let t = 0; t < frames; t++) for (let n = 0; n < W; n++) windowSum[t * H + n] += window[n] * window[n];
  // Unit phasors (re, im) per bin; start from a deterministic pseudo-random phase (zero phase sounds buzzy).
  const phaseRe = magnitude.map((m, t) => Float64Array.from(m, (_, k) => Math.cos(hashPhase(t, k))));
  const phaseIm = magnitude.map((m, t) => Float64Array.from(m, (_, k) => Math.sin(hashPhase(t, k))));
  let signal: Float32Array = new Float32Array(length);
  for (let it = 0; it <= iterations; it++) {
    if (it > 0) {
      // Analysis: keep the phase of the current signal.
      for (let t = 0; t < frames; t++) {
        frame.fill(0);
        for (let n = 0; n < W; n++) frame[n] = signal[t * H + n] * window[n];
        fft.realTransform(spectrum, frame);
        for (let k = 0; k <= N / 2; k++) {
          const re = spectrum[2 * k];
          const im = spectrum[2 * k + 1];
          const abs = Math.hypot(re, im);
          if (abs > 1e-12) { phaseRe[t][k] = re / abs; phaseIm[t][k] = im / abs; }
        }
      }
    }
    // Synthesis: inverse FFT of magnitude·e^{iφ}, windowed overlap-add, divided by Σ window².
    const next = new Float32Array(length);
    for (let t = 0; t < frames; t++) {
      for (let k = 0; k <= N / 2; k++) {
        full[2 * k] = magnitude[t][k] * phaseRe[t][k];
        full[2 * k + 1] = magnitude[t][k] * phaseIm[t][k];
        if (k > 0 && k < N / 2) { full[2 * (N - k)] = full[2 * k]; full[2 * (N - k) + 1] = -full[2 * k + 1]; }
      }
      fft.inverseTransform(spectrum, full);
      for (let n = 0; n < W; n++) next[t * H + n] += spectrum[2 * n] * window[n];
    }
    // Clamped: at the very ends Σ window² → 0 and dividing by it would blow up the first and last samples.
    for (let i = 0; i < length; i++) next[i] /= Math.max(windowSum[i], 0.1);
    signal = next;
  }
  return signal;
}

const hashPhase = (t: number, k: number) => (((Math.sin((t + 1) * 12.9898 + k * 78.233) * 43758.5453) % 1) * 2 * Math.PI);
