import assert from 'node:assert/strict';
import { canonicalSpeech, speakerSpeech } from '../../scripts/data/parrotron-pairs.js';
import { TRAIN_SPEAKERS } from '../../scripts/data/parrotron-speakers.js';
import { logMel } from '../ml/audio/log-mel.js';
import { griffinLim } from './griffin-lim.js';
import { melCepstralDistortion } from './mel-cepstral-distortion.js';
import { SilenceSegmenter } from './silence-segmenter.js';

describe('parrotron signal processing', function () {
  this.timeout(120_000);
  let canonical: Float32Array;
  before(async () => { canonical = await canonicalSpeech('one nine'); });

  it('Griffin-Lim turns a log-mel spectrogram back into audio with nearly the same spectrogram', () => {
    const mel = logMel(canonical).frames;
    const audio = griffinLim(mel, 16);
    assert.ok(Math.abs(audio.length - canonical.length) < 400);
    const again = logMel(audio).frames;
    let diff = 0;
    for (let i = 0; i < again.length; i++) diff += Math.abs(again[i] - mel[i]);
    assert.ok(diff / again.length < 1.2, `mean |Δ log-mel| ${diff / again.length}`);
  });

  it('mel-cepstral distortion is 0 for the same speech, small for its resynthesis, larger for another voice', async () => {
    const mel = logMel(canonical).frames;
    const other = logMel(await speakerSpeech(TRAIN_SPEAKERS[6], 'one nine')).frames;
    const resynth = logMel(griffinLim(mel, 16)).frames;
    assert.equal(melCepstralDistortion(mel, mel), 0);
    const a = melCepstralDistortion(mel, resynth);
    const b = melCepstralDistortion(mel, other);
    assert.ok(a < b, `resynthesis ${a.toFixed(2)} dB < other voice ${b.toFixed(2)} dB`);
  });

  it('segments a stream on silence, whatever the chunking', () => {
    const silence = new Float32Array(16000 * 0.6);
    const stream = Float32Array.from([...silence, ...canonical, ...silence, ...canonical, ...silence.subarray(0, 1600)]);
    let lastLoud = 0; // espeak-ng ends its output with a long stretch of silence
    canonical.forEach((v, i) => { if (Math.abs(v) > 0.01) lastLoud = i; });
    for (const chunk of [160, 3333, stream.length]) {
      const segmenter = new SilenceSegmenter(400);
      const segments = [];
      for (let i = 0; i < stream.length; i += chunk) segments.push(...segmenter.push(stream.subarray(i, i + chunk)));
      segments.push(...segmenter.flush());
      assert.equal(segments.length, 2, `chunk ${chunk}`);
      assert.ok(segments[0].startSample <= silence.length && segments[0].endSample >= silence.length + lastLoud);
      assert.ok(segments[1].startSample >= segments[0].endSample);
      assert.equal(segments[0].samples.length, segments[0].endSample - segments[0].startSample);
    }
  });
});
