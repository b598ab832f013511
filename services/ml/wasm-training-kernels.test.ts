// Every kernel wasm-training-kernels.ts registers is checked two ways: the gradient it computes on wasm
// equals the `cpu` backend's (cross-backend equality), and it matches central finite differences of the
// loss evaluated on wasm (so a shared mistake in both backends would still be caught).
import assert from 'node:assert/strict';
import { tf, useBackend, availableBackends, initBackend, type BackendName } from './backend.js';
import { WASM_TRAINING_KERNELS } from './wasm-training-kernels.js';

type Loss = (...args: tf.Tensor[]) => tf.Scalar;
interface Case { kernel: (typeof WASM_TRAINING_KERNELS)[number]; name: string; loss: Loss; inputs: () => tf.Tensor[]; wrt: number }

const rand = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);
/** A fixed random linear functional of y, so the loss is smooth and its gradient is all of y's adjoint. */
const probe = (y: tf.Tensor, seed = 99) => tf.sum(tf.mul(y, rand(y.shape, seed))) as tf.Scalar;

const conv = (stride: number, pad: 'same' | 'valid'): Loss => (x, w) => probe(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, pad));
const depthwise = (stride: number): Loss => (x, w) => probe(tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, 'same'));
const batchNormLoss: Loss = (x, scale) => {
  const { mean, variance } = tf.moments(x!, [0, 1, 2]);
  return probe(tf.square(tf.batchNorm(x!, mean, variance, tf.zeros([x!.shape[3]!]), scale, 1e-3)));
};

const CASES: Case[] = [
  ...([[1, 'same', 9, 3], [2, 'same', 9, 3], [2, 'valid', 10, 3], [1, 'valid', 7, 5], [3, 'same', 11, 2]] as const).flatMap(([s, pad, h, k]) => [
    { kernel: 'Conv2DBackpropFilter' as const, name: `stride ${s} ${pad} ${h}px k${k}`, loss: conv(s, pad), inputs: () => [rand([2, h, h, 3], 1), rand([k, k, 3, 4], 2)], wrt: 1 },
    { kernel: 'Conv2DBackpropInput' as const, name: `stride ${s} ${pad} ${h}px k${k}`, loss: conv(s, pad), inputs: () => [rand([2, h, h, 3], 1), rand([k, k, 3, 4], 2)], wrt: 0 },
  ]),
  { kernel: 'BatchMatMul', name: 'transposeA (batched)', loss: (a, b) => probe(tf.matMul(a!, b!, true, false)), inputs: () => [rand([2, 7, 5], 3), rand([2, 7, 6], 4)], wrt: 0 },
  { kernel: 'BatchMatMul', name: 'transposeB', loss: (a, b) => probe(tf.matMul(a!, b!, false, true)), inputs: () => [rand([5, 7], 3), rand([6, 7], 4)], wrt: 1 },
  { kernel: 'BatchMatMul', name: 'matmul gradient (uses both transposes)', loss: (a, b) => probe(tf.matMul(a!, b!)), inputs: () => [rand([4, 7], 3), rand([7, 6], 4)], wrt: 1 },
  { kernel: 'UnsortedSegmentSum', name: 'gather gradient, repeated ids', loss: (p) => probe(tf.gather(p!, tf.tensor1d([0, 3, 3, 1, 0], 'int32'))), inputs: () => [rand([4, 6], 5)], wrt: 0 },
  { kernel: 'UnsortedSegmentSum', name: 'gather gradient, 2-D ids', loss: (p) => probe(tf.gather(p!, tf.tensor2d([[0, 3], [3, 1]], [2, 2], 'int32'))), inputs: () => [rand([4, 6], 5)], wrt: 0 },
  { kernel: 'DepthwiseConv2dNativeBackpropFilter', name: 'stride 2', loss: depthwise(2), inputs: () => [rand([2, 8, 8, 4], 6), rand([3, 3, 4, 2], 7)], wrt: 1 },
  { kernel: 'DepthwiseConv2dNativeBackpropInput', name: 'stride 1', loss: depthwise(1), inputs: () => [rand([2, 8, 8, 4], 6), rand([3, 3, 4, 2], 7)], wrt: 0 },
  { kernel: 'Sum', name: 'batch-norm gradient wrt scale', loss: batchNormLoss, inputs: () => [rand([2, 3, 3, 4], 9), rand([4], 10)], wrt: 1 },
  { kernel: 'Mean', name: 'batch-norm gradient wrt x', loss: batchNormLoss, inputs: () => [rand([2, 3, 3, 4], 9), rand([4], 10)], wrt: 0 },
];

/** Gradient of `loss` wrt input `wrt` on the active backend. */
async function gradient(c: Case): Promise<{ values: Float32Array; shape: number[] }> {
  const inputs = c.inputs();
  const g = tf.grads(c.loss)(inputs)[c.wrt]!;
  const out = { values: (await g.data()) as Float32Array, shape: g.shape };
  tf.dispose([...inputs, g]);
  return out;
}

/** Central differences of `loss` at a few coordinates of input `wrt` (float32, so a coarse step). */
async function finiteDifferences(c: Case, coords: number[], eps = 1e-2): Promise<number[]> {
  const out: number[] = [];
  for (const i of coords) {
    const at = async (delta: number) => {
      const inputs = c.inputs();
      const buf = inputs[c.wrt]!.bufferSync();
      buf.values[i] = (buf.values[i] as number) + delta;
      inputs[c.wrt] = buf.toTensor();
      const l = c.loss(...inputs);
      const v = (await l.data())[0]!;
      tf.dispose([...inputs, l]);
      return v;
    };
    out.push((await at(eps) - await at(-eps)) / (2 * eps));
  }
  return out;
}

describe('wasm training kernels', function () {
  this.timeout(120_000);
  let hasWasm = false;
  let processBackend: BackendName;
  before(async () => {
    processBackend = await initBackend();
    hasWasm = (await availableBackends()).includes('wasm');
  });
  after(() => useBackend(processBackend)); // other test files in this mocha process expect it

  it('has a gradient check for every kernel it registers', () => {
    assert.deepEqual(new Set(CASES.map((c) => c.kernel)), new Set(WASM_TRAINING_KERNELS));
  });

  for (const c of CASES) {
    it(`${c.kernel}: ${c.name} matches cpu and finite differences`, async function () {
      if (!hasWasm) this.skip();
      await useBackend('cpu');
      const onCpu = await gradient(c);
      await useBackend('wasm');
      const onWasm = await gradient(c);
      assert.deepEqual(onWasm.shape, onCpu.shape);
      const scale = Math.max(1, ...onCpu.values.map(Math.abs));
      onCpu.values.forEach((v, i) => assert.ok(Math.abs(v - onWasm.values[i]!) <= 1e-5 * scale, `element ${i}: cpu ${v} vs wasm ${onWasm.values[i]}`));
      const coords = [0, Math.floor(onWasm.values.length / 2), onWasm.values.length - 1];
      const fd = await finiteDifferences(c, coords);
      coords.forEach((i, k) => assert.ok(Math.abs(fd[k]! - onWasm.values[i]!) <= 2e-2 * Math.max(1, Math.abs(fd[k]!)), `d/dx[${i}]: finite differences ${fd[k]} vs wasm ${onWasm.values[i]}`));
    });
  }
});
