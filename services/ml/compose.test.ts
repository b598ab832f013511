import assert from 'node:assert/strict';
import { initBackend, tf } from './backend.js';
import { buildModel, concat, convBnRelu, residual, serial } from './compose.js';

describe('compose', () => {
  before(() => initBackend());

  it('serial, residual and concat build the graph they describe', () => {
    const model = buildModel({ shape: [6, 6, 3] }, serial(
      convBnRelu(4),
      residual(convBnRelu(4)),
      concat(convBnRelu(2, 1), convBnRelu(3)),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 2 }),
    ));
    assert.deepEqual(model.outputs[0]!.shape, [null, 2]);
    const add = model.layers.find((l) => l.getClassName() === 'Add')!;
    assert.equal((add.input as tf.SymbolicTensor[]).length, 2);
    const joined = model.layers.find((l) => l.getClassName() === 'Concatenate')!;
    assert.deepEqual(joined.outputShape, [null, 6, 6, 5]);
    // 4 CBR units (2 before the concat, 2 inside it), each conv, BN, ReLU
    const kinds = model.layers.map((l) => l.getClassName()).filter((k) => ['Conv2D', 'BatchNormalization', 'ReLU'].includes(k));
    assert.equal(kinds.length, 4 * 3);
    const y = model.predict(tf.ones([2, 6, 6, 3])) as tf.Tensor;
    assert.deepEqual(y.shape, [2, 2]);
    y.dispose();
    model.dispose();
  });

  it('residual needs a shortcut when the body changes the shape', () => {
    assert.throws(() => buildModel({ shape: [6, 6, 3] }, residual(convBnRelu(4))));
    const projected = buildModel({ shape: [6, 6, 3] }, residual(convBnRelu(4), tf.layers.conv2d({ filters: 4, kernelSize: 1 })));
    assert.deepEqual(projected.outputs[0]!.shape, [null, 6, 6, 4]);
    projected.dispose();
  });
});
