// Finite networks trained by gradient descent approach the infinite ensemble as the width grows (Lee et al.
// 2019): each trained tfjs network should follow the analytic-NTK linear model started from its own initial
// outputs f0,  f_t(x*) = f0(x*) + Θ_*d V diag(−expm1(−λt/|y|)/λ) Vᵀ (y − f0(x_d)),  whose mean and variance
// over f0 ~ GP(0, K) are exactly predict()'s ensemble mean and variance. Comparing member by member removes
// the ensemble's sampling noise, so the test can check that the gap shrinks with width.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../ml/backend.js';
import { mat } from '../ml/linalg64.js';
import { computeKernel, diagonalKernel } from './analytic-kernel.js';
import { sampleNetwork } from './finite-network.js';
import { toTensor } from './empirical-kernel.js';
import { predict, type PredictKernels } from './predict.js';
import { gaussianInputs, L, net } from './test-fixtures.js';

const root = L.serial(L.dense(1.5, 0.1), L.relu(), L.dense(1.5, 0.1));
const train = gaussianInputs(6, [3], 21), test = gaussianInputs(4, [3], 22);
const yTrain = [1, -0.5, 0.3, 0.8, -1, 0.2];
const lr = 0.5, steps = 40, members = 8;

describe('finite networks trained by gradient descent vs the analytic infinite ensemble', function () {
  this.timeout(120_000);
  let kernels: PredictKernels, sd: number[];
  const options = { method: 'ntkGradientDescent', times: [lr * steps], diagReg: 0, diagRegAbsolute: false } as const;

  before(async () => {
    await initBackend();
    const arch = net(root), both = { nngp: true, ntk: true }, limits = { memoryLimitBytes: 2 ** 28 };
    const dd = await computeKernel(arch, train, null, both, limits), td = await computeKernel(arch, test, train, both, limits);
    const tt = await diagonalKernel(arch, test, { nngp: true, ntk: false }, limits);
    kernels = { nngpTrain: mat(6, 6, dd.nngp!), ntkTrain: mat(6, 6, dd.ntk!), nngpTestTrain: mat(4, 6, td.nngp!), ntkTestTrain: mat(4, 6, td.ntk!), nngpTest: mat(4, 1, tt.nngp) };
    sd = Array.from(predict(kernels, mat(6, 1, yTrain), { ...options, covariance: 'variances' })[0].variances!, Math.sqrt);
  });

  /** RMS over members and test points of (trained output − analytic linear model) / analytic predictive sd. */
  async function gapToLinearModel(width: number): Promise<number> {
    const x = toTensor(train), xt = toTensor(test), y = tf.tensor2d(yTrain, [6, 1]);
    let sum = 0;
    for (let m = 0; m < members; m++) {
      const finite = sampleNetwork(net(root, width), [3], 100 + m);
      const f0Train = Array.from(await finite.apply(x).data()), f0Test = Array.from(await finite.apply(xt).data());
      const optimizer = tf.train.sgd(lr);
      for (let s = 0; s < steps; s++) {
        optimizer.minimize(() => tf.div(tf.sum(tf.square(tf.sub(finite.apply(x), y))), 2 * 6) as tf.Scalar);
      }
      const trained = Array.from(await finite.apply(xt).data());
      const residual = mat(6, 1, yTrain.map((v, i) => v - f0Train[i]));
      const [linear] = predict(kernels, residual, { ...options, covariance: 'none' });
      trained.forEach((f, i) => (sum += ((f - f0Test[i] - linear.mean.data[i]) / sd[i]) ** 2));
      optimizer.dispose();
      finite.dispose();
    }
    tf.dispose([x, xt, y]);
    return Math.sqrt(sum / (members * 4));
  }

  it('the gap shrinks with width and is a small fraction of the predictive sd at width 1024', async () => {
    const narrow = await gapToLinearModel(16), wide = await gapToLinearModel(1024);
    assert.ok(wide < narrow / 3, `gap at width 16: ${narrow.toFixed(3)}, at 1024: ${wide.toFixed(3)}`);
    assert.ok(wide < 0.15, `gap at width 1024: ${wide.toFixed(3)} predictive sd`);
  });
});
