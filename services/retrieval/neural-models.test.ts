import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, tf } from '../ml/backend.js';
import { indexedText } from './document.js';
import { buildTermVocabulary, DualEncoder, loadDualEncoder } from './dual-encoder.js';
import { embeddingLookup } from './embedding-lookup.js';
import { QueryGenerator } from './query-generator.js';
import { makeTestCorpus } from './test-corpus.js';
import { WordVocabulary } from './word-vocabulary.js';

describe('neural models (tiny)', function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => {
    await initBackend();
    dir = mkdtempSync(join(tmpdir(), 'nnsuite-retrieval-models-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('embedding lookup has the gradient of a one-hot matrix product', () => {
    const table = tf.randomNormal([7, 3]) as tf.Tensor2D;
    const ids = Int32Array.from([1, 4, 4, 0, 6, 1]);
    const weights = tf.randomNormal([6, 3]);
    const viaLookup = tf.grad((t: tf.Tensor) => embeddingLookup(t as tf.Tensor2D, ids, [2, 3]).reshape([6, 3]).mul(weights).sum())(table);
    const viaOneHot = tf.grad((t: tf.Tensor) => tf.matMul(tf.oneHot(tf.tensor1d(ids, 'int32'), 7), t as tf.Tensor2D).mul(weights).sum())(table);
    assert.ok(tf.max(tf.abs(viaLookup.sub(viaOneHot))).dataSync()[0]! < 1e-5);
  });

  it('query generator: training lowers the loss; save/load keeps it; sampling is seeded', async () => {
    const docs = makeTestCorpus(16);
    const pairs = docs.map((d) => ({ passage: d.text, question: d.title }));
    const vocab = WordVocabulary.build(pairs.flatMap((p) => [p.passage, p.question]), 200);
    const model = new QueryGenerator({ vocabSize: vocab.size, dModel: 32, heads: 2, ffn: 64, encoderLayers: 1, decoderLayers: 1, sourceLength: 32, targetLength: 12 }, vocab);
    const loss = (m: QueryGenerator): number => tf.tidy(() => m.loss(pairs.map((p) => p.passage), pairs.map((p) => p.question)).dataSync()[0]!);
    const before = loss(model);
    const optimizer = tf.train.adam(1e-2);
    for (let i = 0; i < 30; i++) optimizer.minimize(() => model.loss(pairs.map((p) => p.passage), pairs.map((p) => p.question)), false, [...model.params.values()]);
    const after = loss(model);
    assert.ok(after < 0.6 * before, `loss ${before} → ${after}`);
    model.save(join(dir, 'qgen'));
    const loaded = QueryGenerator.load(join(dir, 'qgen'));
    assert.ok(Math.abs(loss(loaded) - after) < 1e-4);
    const a = loaded.generate([pairs[0]!.passage, pairs[1]!.passage], 2, 5, 3);
    assert.deepEqual(a.map((qs) => qs.length), [2, 2]);
    assert.deepEqual(loaded.generate([pairs[0]!.passage, pairs[1]!.passage], 2, 5, 3), a);
  });

  it('dual encoder: unit vectors; in-batch training ranks each question\'s own document first; checkpoint round trip', async () => {
    const docs = makeTestCorpus(24, 5);
    const texts = docs.map(indexedText);
    const vocab = buildTermVocabulary(texts, 300);
    const model = new DualEncoder({ vocabSize: vocab.size, dim: 16, maxQueryTerms: 16, maxDocumentTerms: 64 }, vocab);
    const questions = docs.map((d) => d.title);
    const accuracy = (): number =>
      tf.tidy(() => {
        const scores = tf.matMul(model.embed(questions, 16), model.embed(texts, 64), false, true);
        const best = scores.argMax(1).dataSync();
        return best.filter((b, i) => b === i).length / questions.length;
      });
    const norms = tf.tidy(() => tf.norm(model.embed(texts.slice(0, 5), 64), 2, 1).dataSync());
    for (const n of norms) assert.ok(Math.abs(n - 1) < 1e-4);
    const optimizer = tf.train.adam(1e-2);
    for (let i = 0; i < 60; i++) {
      optimizer.minimize(() => {
        const logits = tf.matMul(model.embed(questions, 16), model.embed(texts, 64), false, true).mul(20);
        return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.range(0, docs.length, 1, 'int32'), docs.length), logits) as tf.Scalar;
      }, false, [...model.params.values()]);
    }
    assert.ok(accuracy() >= 0.9, `accuracy ${accuracy()}`);
    model.save(join(dir, 'dual'), { defaultTermWeight: 0.25 });
    const { encoder, defaultTermWeight } = await loadDualEncoder(join(dir, 'dual'));
    assert.equal(defaultTermWeight, 0.25);
    const [fromCheckpoint] = await encoder.encodeDocuments([texts[3]!]);
    const direct = tf.tidy(() => model.embed([texts[3]!], 64).dataSync());
    fromCheckpoint!.forEach((v, i) => assert.ok(Math.abs(v - direct[i]!) < 1e-5));
  });
});
