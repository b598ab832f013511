// The four Transfusion inits applied to real networks (the small ResNet and CBR-Tiny): which weights each one
// copies, redraws or replaces.
import assert from 'node:assert/strict';
import { initBackend, tf } from '../ml/backend.js';
import { meanAndVariance } from './inits.js';
import { blockCount, blockProbe, buildTransfusionNet, type TransfusionModel } from './models.js';
import { applyInit } from './transfusion.js';

const convs = (m: tf.LayersModel) => m.layers.filter((l) => l.getClassName() === 'Conv2D');
const kernel = (m: tf.LayersModel, name: string) => m.getLayer(name).getWeights()[0].dataSync() as Float32Array;
const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => v === b[i]);

describe('Transfusion inits on the networks', function () {
  this.timeout(60_000);
  before(() => initBackend());

  for (const name of ['resnet', 'cbr-tiny'] as TransfusionModel[]) {
    it(`${name}: transfer copies every conv and BN, Mean-Var redraws each kernel, Gabor replaces conv1 only`, () => {
      const pretrained = buildTransfusionNet(name, 10, 1);
      // Move BN statistics off their defaults so copying them is visible.
      for (const l of pretrained.layers.filter((l) => l.getClassName() === 'BatchNormalization')) l.setWeights(l.getWeights().map((w) => tf.add(w, 0.25)));
      const fresh = (init: 'random' | 'transfer' | 'meanvar' | 'gabor') => {
        const m = buildTransfusionNet(name, 2, 5);
        applyInit(m, pretrained, init, 9);
        return m;
      };
      const random = fresh('random'), transfer = fresh('transfer'), meanvar = fresh('meanvar'), gabor = fresh('gabor');
      if (name === 'resnet') assert.ok(convs(pretrained).some((l) => l.name === 'proj2'), 'projection shortcuts are convolutions too');
      for (const l of convs(pretrained)) {
        const p = kernel(pretrained, l.name);
        assert.ok(same(kernel(transfer, l.name), p), `transfer ${l.name}`);
        assert.ok(!same(kernel(random, l.name), p));
        const mv = kernel(meanvar, l.name), a = meanAndVariance(p), b = meanAndVariance(mv);
        assert.ok(!same(mv, p) && Math.abs(b.variance / a.variance - 1) < 0.35, `meanvar ${l.name}: ${a.variance} vs ${b.variance}`);
        assert.equal(same(kernel(gabor, l.name), kernel(random, l.name)), l.name !== 'conv1', `gabor ${l.name}`);
      }
      const bn = transfer.layers.find((l) => l.getClassName() === 'BatchNormalization')!;
      assert.ok(same(bn.getWeights()[0].dataSync() as Float32Array, pretrained.getLayer(bn.name).getWeights()[0].dataSync() as Float32Array));
      // SVCCA reads one pooled output per block.
      const probe = blockProbe(transfer, blockCount(name));
      const outs = probe.predict(tf.zeros([2, 28, 28, 1])) as tf.Tensor[];
      assert.equal(outs.length, 3);
      tf.dispose(outs);
      for (const m of [pretrained, random, transfer, meanvar, gabor]) m.dispose();
    });
  }
});
