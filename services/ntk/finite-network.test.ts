import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../ml/backend.js';
import { sampleNetwork } from './finite-network.js';
import type { Layer } from './architecture.js';
import { L, net } from './test-fixtures.js';

describe('finite networks', () => {
  before(async () => {
    await initBackend();
  });

  it('hidden layers get the width and only the final Dense the outputs, even when layer objects are shared', () => {
    const dense: Layer = L.dense(1.5, 0.1);
    const f = sampleNetwork(net(L.serial(dense, L.relu(), dense, L.relu(), dense), 32), [5], 1, 3);
    assert.deepEqual(f.params.map((p) => p.w.shape), [[5, 32], [32, 32], [32, 3]]);
    const y = f.apply(tf.ones([4, 5]));
    assert.deepEqual(y.shape, [4, 3]);
    tf.dispose([y]);
    f.dispose();
  });

  it('CIRCULAR and SAME convolutions keep ceil(size / stride) positions; VALID shrinks', () => {
    const shapes = (['circular', 'same', 'valid'] as const).map((padding) => {
      const f = sampleNetwork(net(L.serial(L.conv([3, 3], padding, [2, 2]), L.relu(), L.avgPool([2, 2], padding, [1, 1]), L.flatten(), L.dense()), 4), [7, 7, 2], 2);
      const y = f.apply(tf.ones([1, 7, 7, 2]));
      const features = f.params[1].w.shape[0];
      tf.dispose([y]);
      f.dispose();
      return features;
    });
    // conv: 7 → 4 (circular/same) or 3 (valid); pool 2x2 stride 1: 4 → 4 (circular/same) or 3 → 2 (valid); × 4 channels.
    assert.deepEqual(shapes, [4 * 4 * 4, 4 * 4 * 4, 2 * 2 * 4]);
  });
});
