import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, tf } from '../../ml/backend.js';
import { checkpointBytes, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { DEFAULT_RNNT_CONFIG, RnntModel } from './rnnt-model.js';
import { seededRandom } from '../../ml/seeded-random.js';
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

  it('builds the same initial weights from the same seed, different ones from another', () => {
    const weights = (seed: number) => {
      const model = new RnntModel(TINY, seed);
      const values = [...model.params.values()].map((v) => Array.from(v.dataSync()));
      model.dispose();
      return values;
    };
    const a = weights(7);
    assert.deepEqual(weights(7), a);
    assert.notDeepEqual(weights(8)[0], a[0]);
  });

  it('drops LSTM outputs only when asked, with masks that follow the seed', () => {
    const model = new RnntModel(TINY);
    const x = tf.tensor3d(randomFrames(60), [1, 60, 80]);
    const encode = (rate: number, seed: number) => tf.tidy(() => Array.from(model.encode(x, { rate, random: seededRandom(seed) }).dataSync()));
    const plain = tf.tidy(() => Array.from(model.encode(x).dataSync()));
    assert.deepEqual(encode(0, 1), plain);
    assert.deepEqual(encode(0.3, 1), encode(0.3, 1));
    assert.notDeepEqual(encode(0.3, 1), plain);
    assert.notDeepEqual(encode(0.3, 2), encode(0.3, 1));
    const predicted = (rate: number) => tf.tidy(() => Array.from(model.predict([[1, 2, 3]], { rate, random: seededRandom(5) }).dataSync()));
    assert.deepEqual(predicted(0), tf.tidy(() => Array.from(model.predict([[1, 2, 3]]).dataSync())));
    assert.notDeepEqual(predicted(0.5), predicted(0));
    x.dispose();
    model.dispose();
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

  it('beam search, like greedy, keeps hypotheses that emit the most labels a frame allows', () => {
    const model = new RnntModel(TINY, 3);
    model.params.get('joint/output_bias')!.assign(tf.tensor1d(Array.from({ length: TINY.vocabSize }, (_, k) => (k === 0 ? -1e3 : 0)))); // never blank
    const stream = new StreamingEncoder(model);
    const enc = stream.push(randomFrames(48));
    for (const beamWidth of [1, 4]) {
      const search = new TransducerSearch(model, { beamWidth, maxSymbolsPerFrame: 3 });
      search.advance(enc);
      assert.equal(search.best.labels.length, 3 * enc.shape[0], `beam ${beamWidth}`);
      search.dispose();
    }
    enc.dispose();
    stream.dispose();
    model.dispose();
  });

  it('saves int8 checkpoints ~4× smaller whose weights are within half a per-column step of fp32', () => {
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
        if (v.rank < 2) {
          assert.deepEqual(Array.from(c), Array.from(a), `${name} stays float32`);
          continue;
        }
        const cols = v.shape[1] as number;
        const colMax = new Float32Array(cols);
        a.forEach((x, i) => { colMax[i % cols] = Math.max(colMax[i % cols], Math.abs(x)); });
        for (let i = 0; i < a.length; i++) assert.ok(Math.abs(c[i] - a[i]) <= colMax[i % cols] / 254 + 1e-6, name);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
