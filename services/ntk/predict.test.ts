import assert from 'node:assert/strict';
import { computeKernel } from './analytic-kernel.js';
import { predict, SingularKernelError, type PredictKernels } from './predict.js';
import { gaussianInputs, L, net } from './test-fixtures.js';
import { mat, matmul, solveSpd, symmetricEigen, type Mat } from '../ml/linalg64.js';
import type { Inputs } from './kernel-block.js';

const arch = net(L.serial(L.dense(1.5, 0.1), L.relu(), L.dense(1.5, 0.1), L.relu(), L.dense(1, 0)));
const both = { nngp: true, ntk: true }, roomy = { memoryLimitBytes: 2 ** 30 };

async function kernels(train: Inputs, test: Inputs): Promise<Required<PredictKernels>> {
  const dd = await computeKernel(arch, train, null, both, roomy);
  const td = await computeKernel(arch, test, train, both, roomy);
  const tt = await computeKernel(arch, test, null, { nngp: true, ntk: false }, roomy);
  const N = train.n, M = test.n;
  return {
    nngpTrain: mat(N, N, dd.nngp!), ntkTrain: mat(N, N, dd.ntk!),
    nngpTestTrain: mat(M, N, td.nngp!), ntkTestTrain: mat(M, N, td.ntk!), nngpTest: mat(M, M, tt.nngp!),
  };
}

const maxDiff = (a: Mat, b: Mat) => a.data.reduce((m, v, i) => Math.max(m, Math.abs(v - b.data[i])), 0);

describe('infinite-ensemble predictions', () => {
  const train = gaussianInputs(8, [4], 2), test = gaussianInputs(5, [4], 3);
  const y = mat(8, 2, Array.from({ length: 16 }, (_, i) => Math.sin(i)));
  let k: Required<PredictKernels>;
  before(async () => {
    k = await kernels(train, test);
  });

  it('gradient descent at t = ∞ is kernel regression with the NTK, and large finite t converges to it', () => {
    const [inf, late] = predict(k, y, { method: 'ntkGradientDescent', times: [Infinity, 1e9], diagReg: 0, diagRegAbsolute: false, covariance: 'none' });
    const regression = matmul(k.ntkTestTrain, solveSpd(k.ntkTrain, y));
    assert.ok(maxDiff(inf.mean, regression) < 1e-9);
    assert.ok(maxDiff(late.mean, regression) < 1e-6);
  });

  it('at t = 0 the ensemble is the prior: mean 0, covariance the test NNGP', () => {
    for (const method of ['ntkGradientDescent', 'nngpGradientDescent'] as const) {
      const [p] = predict(k, y, { method, times: [0], diagReg: 0, diagRegAbsolute: false, covariance: 'full' });
      assert.ok(p.mean.data.every((v) => Math.abs(v) < 1e-12));
      assert.ok(maxDiff(p.covariance!, k.nngpTest) < 1e-9, method);
    }
  });

  it('the NNGP posterior is K_td (K_dd + reg·I)⁻¹ y with reg relative to the mean diagonal, and shrinks the variances', () => {
    const [p] = predict(k, y, { method: 'nngpPosterior', times: [], diagReg: 0.1, diagRegAbsolute: false, covariance: 'variances' });
    const reg = (0.1 * Array.from({ length: 8 }, (_, i) => k.nngpTrain.data[i * 9]).reduce((a, b) => a + b)) / 8;
    const regularized = mat(8, 8, k.nngpTrain.data.map((v, e) => (e % 9 === 0 ? v + reg : v)));
    assert.ok(maxDiff(p.mean, matmul(k.nngpTestTrain, solveSpd(regularized, y))) < 1e-10);
    p.variances!.forEach((v, i) => assert.ok(v > 0 && v < k.nngpTest.data[i * 6] + 1e-12));
  });

  it('posterior covariances are symmetric PSD and their diagonal is the variances, at every time', () => {
    for (const method of ['ntkGradientDescent', 'nngpGradientDescent', 'nngpPosterior'] as const) {
      const predictions = predict(k, y, { method, times: [0.5, 10, 1000, Infinity], diagReg: 1e-4, diagRegAbsolute: false, covariance: 'full' });
      for (const p of predictions) {
        const c = p.covariance!, scale = Math.max(...k.nngpTest.data);
        for (let i = 0; i < 5; i++) {
          assert.ok(Math.abs(c.data[i * 6] - p.variances![i]) < 1e-12);
          for (let j = 0; j < 5; j++) assert.equal(c.data[i * 5 + j], c.data[j * 5 + i]);
        }
        const { values } = symmetricEigen(c);
        assert.ok(values[0] > -1e-9 * scale, `${method} t=${p.time}: eigenvalue ${values[0]}`);
      }
    }
  });

  it('the variances from the variances-only path equal the full covariance diagonal (diagonal test kernel)', () => {
    const diagonal = mat(5, 1, Array.from({ length: 5 }, (_, i) => k.nngpTest.data[i * 6]));
    const [full] = predict(k, y, { method: 'ntkGradientDescent', times: [3], diagReg: 0, diagRegAbsolute: false, covariance: 'full' });
    const [diag] = predict({ ...k, nngpTest: diagonal }, y, { method: 'ntkGradientDescent', times: [3], diagReg: 0, diagRegAbsolute: false, covariance: 'variances' });
    diag.variances!.forEach((v, i) => assert.ok(Math.abs(v - full.variances![i]) < 1e-12));
    assert.equal(diag.covariance, null);
  });

  it('a singular train kernel without regularizer is refused at t = ∞', async () => {
    const duplicated = { ...train, n: 9, data: Float64Array.from([...train.data, ...train.data.subarray(0, 4)]) };
    const kd = await kernels(duplicated, test);
    const y9 = mat(9, 1, Array.from({ length: 9 }, (_, i) => i % 2));
    assert.throws(() => predict(kd, y9, { method: 'nngpPosterior', times: [], diagReg: 0, diagRegAbsolute: false, covariance: 'none' }), SingularKernelError);
    assert.doesNotThrow(() => predict(kd, y9, { method: 'nngpPosterior', times: [], diagReg: 1e-3, diagRegAbsolute: false, covariance: 'none' }));
  });
});
