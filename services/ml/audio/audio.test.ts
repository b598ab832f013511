import assert from 'node:assert/strict';
import { decodeWav, decodePcm16, encodeWav, encodePcm16, AudioFormatError } from './wav.js';
import { resample, StreamingResampler } from './resample.js';
import { logMel, melCentresHz, StreamingLogMel, DEFAULT_LOG_MEL } from './log-mel.js';
import { StreamingAudioDecoder } from './audio-input.js';

const sine = (hz: number, rate: number, seconds: number, amp = 0.5) =>
  Float32Array.from({ length: Math.round(rate * seconds) }, (_, n) => amp * Math.sin((2 * Math.PI * hz * n) / rate));

function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}

function dominantHz(x: Float32Array, rate: number): number {
  // Goertzel-free check: count zero crossings over the middle of the signal.
  const mid = x.subarray(Math.floor(x.length / 4), Math.floor((3 * x.length) / 4));
  let crossings = 0;
  for (let i = 1; i < mid.length; i++) if ((mid[i - 1] < 0) !== (mid[i] < 0)) crossings++;
  return (crossings / 2) * (rate / mid.length);
}

describe('audio front end', () => {
  it('round-trips PCM16 and WAV, and rejects odd byte counts and non-PCM16 WAV', () => {
    const x = sine(440, 16000, 0.1);
    const back = decodePcm16(encodePcm16(x));
    for (let i = 0; i < x.length; i++) assert.ok(Math.abs(back[i] - x[i]) < 1e-4);
    const wav = decodeWav(encodeWav(x, 8000));
    assert.equal(wav.sampleRate, 8000);
    assert.equal(wav.samples.length, x.length);
    assert.throws(() => decodePcm16(new Uint8Array(3)), AudioFormatError);
    const bad = encodeWav(x, 16000);
    new DataView(bad.buffer).setUint16(34, 8, true); // 8-bit
    assert.throws(() => decodeWav(bad), /16-bit/);
    assert.throws(() => decodeWav(new TextEncoder().encode('hello world, not a wav')), /RIFF/);
  });

  for (const rate of [8000, 48000, 22050]) {
    it(`resamples ${rate} Hz to 16 kHz keeping a 1 kHz tone's frequency and level`, () => {
      const y = resample(sine(1000, rate, 0.5), rate, 16000);
      assert.ok(Math.abs(y.length - 8000) <= 1, `length ${y.length}`);
      assert.ok(Math.abs(dominantHz(y, 16000) - 1000) < 10);
      const mid = y.subarray(2000, 6000);
      const rms = Math.sqrt(mid.reduce((s, v) => s + v * v, 0) / mid.length);
      assert.ok(Math.abs(rms - 0.5 / Math.SQRT2) < 0.01, `rms ${rms}`);
    });
  }

  it('removes content above the new Nyquist when downsampling 48 kHz', () => {
    const y = resample(sine(12000, 48000, 0.5), 48000, 16000);
    const mid = y.subarray(2000, 6000);
    const rms = Math.sqrt(mid.reduce((s, v) => s + v * v, 0) / mid.length);
    assert.ok(rms < 0.01, `aliased energy ${rms}`);
  });

  it('streams the resampler to the same samples as one call, whatever the chunking', () => {
    const x = sine(300, 8000, 0.3);
    const whole = resample(x, 8000, 16000);
    const r = new StreamingResampler(8000, 16000);
    const parts: number[] = [];
    for (let i = 0; i < x.length; i += 123) parts.push(...r.push(x.subarray(i, i + 123)));
    parts.push(...r.flush());
    assert.equal(parts.length, whole.length);
    for (let i = 0; i < whole.length; i++) assert.ok(Math.abs(parts[i] - whole[i]) < 1e-6);
  });

  for (const hz of [250, 1000, 3000, 6500]) {
    it(`puts a ${hz} Hz sine's energy in the mel bin centred nearest ${hz} Hz`, () => {
      const { frames, numFrames } = logMel(sine(hz, 16000, 0.2));
      assert.equal(numFrames, Math.floor((3200 - 400) / 160) + 1);
      const centres = melCentresHz();
      const expected = argmax(centres.map((c) => -Math.abs(c - hz)));
      const row = frames.subarray(5 * 80, 6 * 80);
      assert.ok(Math.abs(argmax(row) - expected) <= 1, `bin ${argmax(row)} vs ${expected}`);
    });
  }

  it('streams log-mel frames equal to the whole-signal frames, with no look-ahead past one window', () => {
    const x = sine(700, 16000, 0.25);
    const whole = logMel(x).frames;
    const stream = new StreamingLogMel();
    const got: number[] = [];
    for (let i = 0; i < x.length; i += 333) {
      got.push(...stream.push(x.subarray(i, i + 333)));
      const available = Math.min(x.length, i + 333);
      const complete = available >= 400 ? Math.floor((available - 400) / 160) + 1 : 0;
      assert.equal(stream.framesEmitted, complete);
    }
    assert.equal(got.length, whole.length);
    for (let i = 0; i < whole.length; i++) assert.ok(Math.abs(got[i] - whole[i]) < 1e-4);
    assert.equal(DEFAULT_LOG_MEL.melBins, 80);
  });

  it('decodes a WAV arriving in byte-odd pieces and checks its rate', () => {
    const bytes = encodeWav(sine(500, 8000, 0.2), 8000);
    const dec = new StreamingAudioDecoder('wav', 0);
    let n = 0;
    for (let i = 0; i < bytes.length; i += 7) n += dec.push(bytes.subarray(i, i + 7)).length;
    n += dec.flush().length;
    assert.equal(n, 3200);
    assert.throws(() => new StreamingAudioDecoder('wav', 16000).push(bytes), /8000 Hz/);
    assert.throws(() => new StreamingAudioDecoder('linear16', 44100), /not supported/);
  });
});
