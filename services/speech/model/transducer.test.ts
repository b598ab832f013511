import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, tf } from '../../ml/backend.js';
import { checkpointBytes, dequantizePerChannel, loadCheckpoint, quantizePerChannel, saveCheckpoint } from './checkpoint.js';
import { DEFAULT_RNNT_CONFIG, RnntModel } from './rnnt-model.js';
import { StreamingEncoder } from './streaming-encoder.js';
import { TransducerSearch } from './transducer-search.js';
import { decodeIds, encodeText, normalizeTranscript } from './vocabulary.js';

const TINY = { ...DEFAULT_RNNT_CONFIG, encoderUnits: 24, predictionUnits: 16, jointUnits: 24, embeddingSize: 8 };
const randomFrames = (n: number) => Float32Array.from({ length: n * 80 }, (_, i) => Math.sin(i * 0.37) + Math.cos(i * 0.011));

describe('transducer model', () => {
  before(async () => {
    await initBackend();
  });

  it('maps text to labels and back over a–z, space and apostrophe', () => {
    assert.equal(normalizeTranscript('  U M  N-Y  SIX '), 'u m n y six');
    assert.equal(decodeIds(encodeText("It's 42 DONE")), "it's done");
  });

  for (const n of [61, 60, 7]) {
    it(`streams the encoder to the same outputs as whole-utterance encoding (${n} frames, ragged chunks)`, () => {
      const model = new RnntModel(TINY);
      const frames = randomFrames(n);
      const whole = tf.tidy(() => model.encode(tf.tensor3d(frames, [1, n, 80])).squeeze([0]));
      const stream = new StreamingEncoder(model);
      const parts: tf.Tensor2D[] = [];
      for (let i = 0; i < n; i += 5) parts.push(stream.push(frames.subarray(i * 80, Math.min(n, i + 5) * 80)));
      parts.push(stream.flush());
      const streamed = tf.concat(parts, 0);
      assert.deepEqual(streamed.shape, whole.shape);
      const diff = tf.tidy(() => streamed.sub(whole).abs().max().dataSync()[0]);
      assert.ok(diff < 1e-5, `max difference ${diff}`);
      stream.dispose();
      tf.dispose([whole, streamed, ...parts]);
    });
  }

  it('greedy and beam search free every tensor they hold when disposed', () => {
    const model = new RnntModel(TINY);
    const before = tf.memory().numTensors;
    for (const beamWidth of [1, 4]) {
      const stream = new StreamingEncoder(model);
      const search = new TransducerSearch(model, { beamWidth, maxSymbolsPerFrame: 3 });
      const enc = stream.push(randomFrames(48));
      search.advance(enc);
      enc.dispose();
      assert.ok(tf.memory().numTensors > before, "the open stream holds state");
      assert.ok(search.alternatives(3).length >= 1);
      search.dispose();
      stream.dispose();
    }
    assert.equal(tf.memory().numTensors, before);
  });

  it('quantizes per output channel to int8 within half a step, and a checkpoint shrinks ~4×', () => {
    const w = Float32Array.from({ length: 6 * 4 }, (_, i) => Math.sin(i) * (1 + (i % 4) * 10));
    const { q, scales } = quantizePerChannel(w, 6, 4);
    const back = dequantizePerChannel(q, scales, 6, 4);
    for (let i = 0; i < w.length; i++) assert.ok(Math.abs(back[i] - w[i]) <= scales[i % 4] / 2 + 1e-7);
    assert.ok(scales[3] > 5 * scales[0], 'columns get their own scales');

    const dir = mkdtempSync(join(tmpdir(), 'rnnt-ckpt-'));
    try {
      const model = new RnntModel({ ...TINY, encoderUnits: 64, jointUnits: 64, predictionUnits: 64 });
      const norm = { mean: Array(80).fill(0.5), std: Array(80).fill(2) };
      saveCheckpoint(join(dir, 'fp32'), model, norm);
      saveCheckpoint(join(dir, 'int8'), model, norm, { int8: true });
      const ratio = checkpointBytes(join(dir, 'fp32')) / checkpointBytes(join(dir, 'int8'));
      assert.ok(ratio > 3.3, `ratio ${ratio}`);
      const fp32 = loadCheckpoint(join(dir, 'fp32'));
      const int8 = loadCheckpoint(join(dir, 'int8'));
      assert.deepEqual(fp32.normalizer, norm);
      for (const [name, v] of model.params) {
        const a = v.dataSync();
        const b = fp32.model.params.get(name)!.dataSync();
        const c = int8.model.params.get(name)!.dataSync();
        assert.deepEqual(Array.from(b), Array.from(a), name);
        const maxAbs = Math.max(...Array.from(a, Math.abs));
        for (let i = 0; i < a.length; i++) assert.ok(Math.abs(c[i] - a[i]) <= maxAbs / 254 + 1e-6, name);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
