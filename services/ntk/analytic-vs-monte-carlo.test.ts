// Every layer's analytic kernel against finite networks of the same architecture (tfjs): the Monte-Carlo
// NNGP over sampled networks and the empirical NTK by autodiff, as neural_tangents' stax_test checks them.
// Tolerance: relative Frobenius error ≤ 0.06 at width 512 (neural_tangents uses rtol ≈ 0.05 at similar
// widths); the expected error at these sizes is ~1–3 %, and a wrong rule (a missing factor, a wrong window
// offset) gives 10–100 %.
import assert from 'node:assert/strict';
import { initBackend } from '../ml/backend.js';
import { computeKernel } from './analytic-kernel.js';
import { empiricalKernel } from './empirical-kernel.js';
import { act, gaussianInputs, L, net, relativeError } from './test-fixtures.js';
import type { Architecture, Layer } from './architecture.js';
import type { Inputs } from './kernel-block.js';

const TOLERANCE = 0.06;

async function compare(arch: Architecture, x: Inputs, samples = { nngp: 6, ntk: 2 }): Promise<{ nngp: number; ntk: number }> {
  const exact = await computeKernel(arch, x, null, { nngp: true, ntk: true }, { memoryLimitBytes: 2 ** 30 });
  const mc = await empiricalKernel(arch, x, null, { width: arch.width, samples: samples.nngp, seed: 11, kinds: { nngp: true, ntk: false } });
  const emp = await empiricalKernel(arch, x, null, { width: arch.width, samples: samples.ntk, seed: 23, kinds: { nngp: false, ntk: true } });
  return { nngp: relativeError(exact.nngp!, mc.nngp!), ntk: relativeError(exact.ntk!, emp.ntk!) };
}

function check(name: string, errors: { nngp: number; ntk: number }): void {
  assert.ok(errors.nngp < TOLERANCE, `${name}: NNGP relative error ${errors.nngp.toFixed(4)}`);
  assert.ok(errors.ntk < TOLERANCE, `${name}: NTK relative error ${errors.ntk.toFixed(4)}`);
}

describe('analytic kernels vs wide finite networks', function () {
  this.timeout(120_000);
  before(async () => {
    await initBackend();
  });

  const vectors = gaussianInputs(5, [6], 1);
  const nonlinearities: [string, Layer][] = [
    ['Relu', L.relu()],
    ['LeakyRelu', act('LeakyRelu', { fn: 'abRelu', a: 0.2, b: 1 })],
    ['Abs', act('Abs', { fn: 'abRelu', a: -1, b: 1 })],
    ['Erf', act('Erf', { fn: 'erf', a: 1.2, b: 0.8, c: 0.1 })],
    ['Gelu', act('Gelu', { fn: 'gelu' })],
    ['Sin', act('Sin', { fn: 'sin', a: 1, b: 1.2, c: 0.4 })],
    ['Sigmoid_like', act('Sigmoid_like', { fn: 'erf', a: 0.5, b: 1 / 2.4020563531719796, c: 0.5 })],
    ['Gaussian', act('Gaussian', { fn: 'gaussian', a: 1, b: -0.5 })],
  ];
  for (const [name, layer] of nonlinearities) {
    it(`Dense → ${name} → Dense`, async () => {
      check(name, await compare(net(L.serial(L.dense(1.4, 0.2), layer, L.dense(1.1, 0.1))), vectors));
    });
  }

  it('a deeper FC net: Dense → Relu → Dense → Erf → Dense', async () => {
    check('deep', await compare(net(L.serial(L.dense(1.5, 0.1), L.relu(), L.dense(1.2, 0.3), L.erf(), L.dense(1, 0))), vectors));
  });

  it('standard parameterization (NTK depends on the width)', async () => {
    const arch = net(L.serial(L.dense(1.3, 0.2), L.relu(), L.dense(1.1, 0.1), L.relu(), L.dense(1, 0.2)), 512, 'standard');
    check('standard', await compare(arch, vectors, { nngp: 6, ntk: 10 }));
  });

  it('LayerNorm', async () => {
    check('LayerNorm', await compare(net(L.serial(L.dense(1.2, 0.5), L.layerNorm(), L.relu(), L.dense(1, 0))), vectors));
  });

  it('residual block: FanOut → Parallel(Identity, Relu → Dense) → FanInSum', async () => {
    const block = L.serial(L.fanOut(2), L.parallel(L.identity(), L.serial(L.relu(), L.dense(1.1, 0.1))), L.sum());
    check('residual', await compare(net(L.serial(L.dense(1, 0.1), block, L.relu(), L.dense(1, 0))), vectors));
  });

  it('FanInConcat of two branches', async () => {
    const branches = L.serial(L.fanOut(2), L.parallel(L.serial(L.relu(), L.dense(1.2)), L.serial(L.erf(), L.dense(0.9, 0.2))), L.concat());
    check('concat', await compare(net(L.serial(L.dense(1.1, 0.1), branches, L.relu(), L.dense(1, 0))), vectors));
  });

  const images = gaussianInputs(4, [6, 6, 2], 5);
  it('CNN with Flatten (diagonal spatial layout): Conv SAME → Relu → Conv VALID stride 2 → Relu → Flatten → Dense', async () => {
    const arch = net(L.serial(L.conv([3, 3], 'same'), L.relu(), L.conv([2, 2], 'valid', [2, 2]), L.relu(), L.flatten(), L.dense(1, 0.1)), 256);
    check('cnn-flatten', await compare(arch, images, { nngp: 32, ntk: 2 }));
  });

  it('CNN with pooling (full spatial layout): Conv CIRCULAR → Relu → AvgPool SAME → Conv → Relu → GlobalAvgPool → Dense', async () => {
    const arch = net(L.serial(L.conv([3, 3], 'circular'), L.relu(), L.avgPool([2, 2], 'same', [2, 2]), L.conv([2, 2], 'valid'), L.relu(), L.gap(), L.dense(1, 0)), 256);
    check('cnn-gap', await compare(arch, images, { nngp: 32, ntk: 2 }));
  });
});
