import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav } from '../../ml/audio/wav.js';
import { melCentresHz } from '../../ml/audio/log-mel.js';
import { speedPerturbed } from './corpora.js';
import { fileLogMel } from './features.js';

const sine = (hz: number, seconds: number) => Float32Array.from({ length: 16000 * seconds }, (_, n) => 0.5 * Math.sin((2 * Math.PI * hz * n) / 16000));

/** Mel bin holding most energy, averaged over the frames. */
function loudestBin(frames: Float32Array, numFrames: number): number {
  const sums = new Float64Array(80);
  for (let t = 0; t < numFrames; t++) for (let k = 0; k < 80; k++) sums[k] += frames[t * 80 + k];
  return sums.indexOf(Math.max(...sums));
}

describe('speed perturbation', () => {
  it('names each copy by its factor and keeps text and speaker', () => {
    const u = { id: 'an1-abc-b', path: 'x.wav', text: 'yes', speaker: 'abc' };
    assert.deepEqual(speedPerturbed([u], [0.9, 1.1]).map((p) => [p.id, p.speed, p.text, p.speaker]), [
      ['an1-abc-b@sp0.9', 0.9, 'yes', 'abc'],
      ['an1-abc-b@sp1.1', 1.1, 'yes', 'abc'],
    ]);
  });

  it('plays a 1 kHz tone faster: fewer frames, energy in the mel bin of speed × 1 kHz', () => {
    const dir = mkdtempSync(join(tmpdir(), 'speed-'));
    try {
      const path = join(dir, 'tone.wav');
      writeFileSync(path, encodeWav(sine(1000, 1), 16000));
      const centres = melCentresHz();
      const nearest = (hz: number) => centres.reduce((best, c, k) => (Math.abs(c - hz) < Math.abs(centres[best] - hz) ? k : best), 0);
      const plain = fileLogMel(path);
      for (const speed of [0.8, 1.25]) {
        const fast = fileLogMel(path, speed);
        assert.ok(Math.abs(fast.numFrames - plain.numFrames / speed) <= 2, `${fast.numFrames} frames at speed ${speed}`);
        assert.equal(loudestBin(fast.frames, fast.numFrames), nearest(1000 * speed));
      }
      assert.equal(loudestBin(plain.frames, plain.numFrames), nearest(1000));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
