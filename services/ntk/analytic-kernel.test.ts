import assert from 'node:assert/strict';
import { computeKernel, KernelTooLargeError, kernelTiles, planKernel } from './analytic-kernel.js';
import { ArchitectureError } from './architecture.js';
import { gaussianInputs, L, net } from './test-fixtures.js';

const both = { nngp: true, ntk: true };
const roomy = { memoryLimitBytes: 2 ** 30 };

describe('analytic kernels', () => {
  it('one hidden ReLU layer gives the arc-cosine kernel of the affine input kernel', async () => {
    const x = gaussianInputs(4, [7], 3), wStd = 1.5, bStd = 0.3;
    const arch = net(L.serial(L.dense(wStd, bStd), L.relu(), L.dense(1, 0)));
    const { nngp, ntk } = await computeKernel(arch, x, null, both, roomy);
    const k = (i: number, j: number) => {
      let s = 0;
      for (let d = 0; d < 7; d++) s += x.data[i * 7 + d] * x.data[j * 7 + d];
      return (wStd ** 2 * s) / 7 + bStd ** 2;
    };
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        const q = Math.sqrt(k(i, i) * k(j, j)), theta = Math.acos(Math.min(1, k(i, j) / q));
        const arccos = (q / (2 * Math.PI)) * (Math.sin(theta) + (Math.PI - theta) * Math.cos(theta));
        const dot = (Math.PI - theta) / (2 * Math.PI);
        assert.ok(Math.abs(nngp![i * 4 + j] - arccos) < 1e-12);
        // NTK = nngp_out + w²·ntk_hidden·dot with ntk_hidden = nngp_hidden (Jacot et al. 2018, eq. for L = 2).
        assert.ok(Math.abs(ntk![i * 4 + j] - (arccos + k(i, j) * dot)) < 1e-12);
      }
    }
  });

  it('blocked computation equals the single-block result, and x2 = x1 equals x2 omitted', async () => {
    const x = gaussianInputs(11, [5, 5, 2], 4);
    const arch = net(L.serial(L.conv([3, 3], 'same'), L.relu(), L.avgPool([2, 2], 'same'), L.conv([2, 2]), L.relu(), L.gap(), L.dense(1, 0.1)));
    const whole = await computeKernel(arch, x, null, both, roomy);
    const blocked = await computeKernel(arch, x, null, both, { ...roomy, blockSize: 3 });
    const explicit = await computeKernel(arch, x, x, both, { ...roomy, blockSize: 4 });
    for (const other of [blocked, explicit]) {
      for (let e = 0; e < 121; e++) {
        assert.ok(Math.abs(whole.nngp![e] - other.nngp![e]) < 1e-12);
        assert.ok(Math.abs(whole.ntk![e] - other.ntk![e]) < 1e-12);
      }
    }
  });

  it('tiles cover the matrix exactly once, mirrored for x2 = x1, with progress counting to the total', async () => {
    const x = gaussianInputs(7, [3], 8), arch = net(L.serial(L.dense(), L.relu(), L.dense()));
    const plan = planKernel(arch, x, null, both, { ...roomy, blockSize: 3 });
    const seen = new Uint8Array(49);
    let last = 0;
    for await (const t of kernelTiles(arch, x, null, both, plan)) {
      for (let i = 0; i < t.rows; i++) for (let j = 0; j < t.cols; j++) seen[(t.rowStart + i) * 7 + t.colStart + j]++;
      assert.ok(t.blocksDone >= last && t.blocksDone <= t.blocksTotal);
      last = t.blocksDone;
    }
    assert.equal(last, plan.blocksTotal);
    assert.equal(plan.blocksTotal, 6);
    assert.ok(seen.every((c) => c === 1));
  });

  it('a cancelled computation stops between blocks', async () => {
    const x = gaussianInputs(40, [3], 9), controller = new AbortController();
    const arch = net(L.serial(L.dense(), L.relu(), L.dense()));
    controller.abort();
    await assert.rejects(computeKernel(arch, x, null, both, { ...roomy, blockSize: 4 }, controller.signal), /abort/i);
  });

  it('refuses kernels past the memory limit (RESOURCE_EXHAUSTED material)', async () => {
    const big = gaussianInputs(2, [28, 28, 1], 1);
    const gapNet = net(L.serial(L.conv([3, 3]), L.relu(), L.gap(), L.dense()));
    assert.throws(() => planKernel(gapNet, big, null, both, { memoryLimitBytes: 64 * 2 ** 20 }), (e: Error) =>
      e instanceof KernelTooLargeError && /one input pair needs .*full spatial covariance of 28x28/.test(e.message));
    const many = { ...gaussianInputs(3, [2], 1), n: 3000, data: new Float64Array(6000) };
    await assert.rejects(computeKernel(net(L.serial(L.dense(), L.relu(), L.dense())), many, null, both, { memoryLimitBytes: 100 * 2 ** 20 }),
      (e: Error) => e instanceof KernelTooLargeError && /stream it in blocks/.test(e.message));
  });

  describe('invalid architectures name the layer at fault', () => {
    const image = gaussianInputs(2, [4, 4, 1], 1), vector = gaussianInputs(2, [3], 1);
    const fails = (arch: ReturnType<typeof net>, x: typeof image, pattern: RegExp) =>
      assert.throws(() => planKernel(arch, x, null, both, roomy), (e: Error) => e instanceof ArchitectureError && pattern.test(e.message), pattern.source);

    it('Dense after Conv without Flatten', () =>
      fails(net(L.serial(L.conv([3, 3]), L.relu(), L.dense())), image, /architecture\.root\.layers\[2\] \(Dense\): input is an image \[4, 4, 512\]; add Flatten or GlobalAvgPool/));
    it('Conv on vectors', () => fails(net(L.serial(L.conv([2, 2]), L.flatten())), vector, /layers\[0\] \(Conv\): input is a vector/));
    it('a nonlinearity straight on the inputs', () => fails(net(L.serial(L.relu(), L.dense())), vector, /layers\[0\] \(Relu\): a nonlinearity needs Gaussian input/));
    it('a window larger than the image', () => fails(net(L.serial(L.conv([5, 5], 'valid'), L.flatten())), image, /window 5x5 does not fit the 4x4 input/));
    it('Parallel without FanOut, and branch count mismatch', () => {
      fails(net(L.serial(L.dense(), L.parallel(L.identity()), L.sum())), vector, /Parallel\): needs a fan/);
      fails(net(L.serial(L.dense(), L.fanOut(2), L.parallel(L.identity()), L.sum())), vector, /has 1 branches but its input fan has 2/);
    });
    it('FanInSum of different shapes', () =>
      fails(net(L.serial(L.fanOut(2), L.parallel(L.dense(), L.identity()), L.sum())), vector, /FanInSum\): branch 1 has shape \[3\] but branch 0 has \[512\]/));
    it('an unmerged fan or image output', () => {
      fails(net(L.serial(L.dense(), L.fanOut(2))), vector, /ends with 2 unmerged branches/);
      fails(net(L.serial(L.conv([2, 2]))), image, /ends with images/);
    });
    it('x2 with another shape than x1', () =>
      assert.throws(() => planKernel(net(L.serial(L.dense())), vector, gaussianInputs(2, [4], 1), both, roomy), /x2: shape \[4\] differs from x1's \[3\]/));
    it('non-positive w_std', () => fails(net(L.serial(L.dense(0))), vector, /\(Dense\): w_std must be a positive number/));
  });
});
