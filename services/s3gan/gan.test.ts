import assert from 'node:assert/strict';
import { initBackend, tf } from '../ml/backend.js';
import { mat, svd } from '../ml/linalg64.js';
import { trainGan, sampleImages } from './gan-train.js';
import { imageBatch } from './images.js';
import { ParamSet, SpectralNorm } from './layers.js';
import { buildDiscriminator, buildGenerator, rotate, rotationBatch, type GanConfig } from './networks.js';
import { stripesSet } from './test-fixtures.js';

const snapshot = (vars: tf.Variable[]) => vars.map((v) => Float32Array.from(v.dataSync()));
const changed = (before: Float32Array[], vars: tf.Variable[]) => vars.filter((v, i) => v.dataSync().some((x, j) => x !== before[i]![j])).length;

describe('S3GAN networks', function () {
  this.timeout(60_000);
  before(() => initBackend());

  it('rotates by quarter turns (four make the identity)', () => {
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]); // [[1, 2], [3, 4]]
    assert.deepEqual(Array.from(rotate(x, 1).dataSync()), [2, 4, 1, 3]); // counter-clockwise: [[2, 4], [1, 3]]
    assert.deepEqual(Array.from(rotate(x, 2).dataSync()), [4, 3, 2, 1]);
    assert.deepEqual(Array.from(rotate(x, 3).dataSync()), [3, 1, 4, 2]);
    assert.deepEqual(Array.from(rotate(rotate(x, 3), 1).dataSync()), [1, 2, 3, 4]);
    const batch = rotationBatch(tf.tile(x, [8, 1, 1, 1]));
    assert.deepEqual(Array.from(batch.labels.dataSync()), [0, 0, 1, 1, 2, 2, 3, 3]);
    assert.deepEqual(Array.from(batch.images.dataSync().slice(8, 12)), [2, 4, 1, 3]);
  });

  it('spectral norm converges to the largest singular value and normalises it to 1', () => {
    const p = new ParamSet(3);
    const w = p.normal([3, 3, 2, 5], 18);
    const sn = new SpectralNorm(w, 7);
    for (let i = 0; i < 50; i++) sn.powerIterate();
    const top = svd(mat(18, 5, w.dataSync())).s.reduce((a, b) => Math.max(a, b), 0);
    assert.ok(Math.abs(sn.sigma().dataSync()[0]! - top) / top < 1e-3, `σ ${sn.sigma().dataSync()[0]} vs ${top}`);
    const normalizedTop = svd(mat(18, 5, sn.normalized().dataSync())).s.reduce((a, b) => Math.max(a, b), 0);
    assert.ok(Math.abs(normalizedTop - 1) < 1e-3);
  });

  const variants: [string, Partial<GanConfig>, number][] = [
    ['unconditional', { conditional: false, rotationHead: false }, 0],
    ['fully-labelled (projection D, conditional BN in G)', { conditional: true, rotationHead: false }, 0],
    ['S3GAN (inferred labels + rotation loss)', { conditional: true, rotationHead: true }, 1],
  ];
  for (const [name, flags, rotationWeight] of variants) {
    it(`one training step of the ${name} GAN changes G and D`, async () => {
      const config: GanConfig = { zDim: 8, gChannels: 4, dChannels: 4, classes: 4, conditional: false, rotationHead: false, ...flags };
      const g = buildGenerator(config, 1), d = buildDiscriminator(config, 2);
      const set = stripesSet(16, 1);
      const [gBefore, dBefore] = [snapshot(g.params.vars), snapshot(d.params.vars)];
      const result = await trainGan(g, d, { set, labels: config.conditional ? set.labels : undefined }, {
        steps: 1, batchSize: 8, zDim: 8, learningRateG: 1e-2, learningRateD: 1e-2, betas: [0.5, 0.999],
        rotationWeightD: rotationWeight, rotationWeightG: 0.2 * rotationWeight, seed: 1,
      });
      assert.ok(Number.isFinite(result.lossD) && Number.isFinite(result.lossG));
      // Every G weight moves; every D weight but possibly ψ's bias, whose hinge gradient (fraction of active fake
      // terms − active real terms) is exactly 0 while all scores are still inside the margin.
      assert.equal(changed(gBefore, g.params.vars), g.params.vars.length);
      assert.ok(changed(dBefore, d.params.vars) >= d.params.vars.length - 1);
      if (config.conditional) {
        // The class reaches both networks: same z / same images, different labels → different output.
        const z = tf.randomNormal([4, 8], 0, 1, 'float32', 5) as tf.Tensor2D;
        const [y0, y1] = [tf.tensor1d([0, 0, 0, 0], 'int32'), tf.tensor1d([1, 2, 3, 1], 'int32')];
        const [a, b] = [g.generate(z, y0), g.generate(z, y1)];
        assert.ok(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]! > 1e-4, 'G ignores the label');
        const x = imageBatch(set, [0, 1, 2, 3]);
        const [s0, s1] = [d.apply(x, y0), d.apply(x, y1)];
        assert.deepEqual(Array.from(s0.features.dataSync()), Array.from(s1.features.dataSync()));
        assert.ok(tf.max(tf.abs(tf.sub(s0.score, s1.score))).dataSync()[0]! > 1e-4, 'D ignores the label');
      }
      const images = sampleImages(g, 6, 8, config.conditional ? Int32Array.from([0, 1, 2, 3, 0, 1]) : undefined, 3);
      assert.equal(images.length, 6 * 784);
      assert.ok(images.every((v) => v >= 0 && v <= 1));
      tf.dispose(g.params.vars);
      d.dispose();
    });
  }
});
