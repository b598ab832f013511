import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mat } from '../ml/linalg64.js';
import { gaborFilters, gaussian, meanAndVariance, meanVarLike, seededRandom } from './inits.js';
import { readNpz } from './npz.js';
import { halton, logUniform } from './quasi-random.js';
import { fitRegimes } from './regimes.js';
import { bestSteps, stepsToTarget } from './steps-to-target.js';
import { svcca } from './svcca.js';

const PNEUMONIA = '../shared/data/pneumoniamnist/pneumoniamnist.npz';

describe('steps to target', () => {
  it('is the first evaluated step reaching the target, in either direction', () => {
    const curve = [{ step: 30, value: 0.9 }, { step: 10, value: 0.5 }, { step: 20, value: 0.85 }, { step: 40, value: 0.8 }];
    assert.equal(stepsToTarget(curve, 0.85), 20);
    assert.equal(stepsToTarget(curve, 0.95), null);
    assert.equal(stepsToTarget([{ step: 5, value: 2 }, { step: 9, value: 0.4 }], 0.5, false), 9);
    assert.equal(bestSteps([null, 70, 40, null]), 40);
    assert.equal(bestSteps([null]), null);
  });
});

describe('regime fit', () => {
  // S(B) = 2^14 / B up to B = 2^6 (perfect scaling), slope −0.4 to 2^9, then flat: the fit must find both.
  const curve = (b1: number, b2: number, noise: (i: number) => number) =>
    Array.from({ length: 10 }, (_, i) => {
      const x = i + 3;
      const y = 14 - Math.min(x, b1) - 0.4 * Math.max(0, Math.min(x, b2) - b1);
      return { batch: 2 ** x, steps: 2 ** (y + noise(i)) };
    });

  it('recovers slopes and break points of a noiseless three-regime curve', () => {
    const fit = fitRegimes(curve(6, 9, () => 0));
    assert.ok(Math.abs(fit.slopes[0] + 1) < 1e-6, `slope ${fit.slopes[0]}`);
    assert.ok(Math.abs(fit.slopes[1] + 0.4) < 1e-6);
    assert.ok(Math.abs(fit.slopes[2]) < 1e-6);
    assert.deepEqual(fit.breaks, [6, 9]);
    assert.equal(fit.maxUsefulBatch, 512);
  });

  it('stays close under noise and moves the break points with the curve', () => {
    const random = seededRandom(4);
    const fit = fitRegimes(curve(5, 10, () => 0.05 * gaussian(random)));
    assert.ok(Math.abs(fit.slopes[0] + 1) < 0.15, `slope ${fit.slopes[0]}`);
    assert.ok(Math.abs(fit.breaks[0] - 5) <= 0.5 && Math.abs(fit.breaks[1] - 10) <= 0.75, `breaks ${fit.breaks}`);
    assert.throws(() => fitRegimes(curve(5, 10, () => 0).slice(0, 3)), /at least 4/);
    // Outer segments need two points: with four, the breaks sit between the 2nd and 3rd batch sizes.
    const four = fitRegimes([{ batch: 8, steps: 900 }, { batch: 16, steps: 300 }, { batch: 32, steps: 200 }, { batch: 64, steps: 190 }]);
    assert.ok(four.breaks[0] >= 4 && four.breaks[1] <= 5, `breaks ${four.breaks}`);
    assert.ok(Math.abs(four.slopes[0] - Math.log2(300 / 900)) < 1e-6, `slope ${four.slopes[0]}`);
  });
});

describe('quasi-random search', () => {
  it('gives the Halton points and log-uniform values in range', () => {
    assert.deepEqual(halton(1, 2), [0.5, 1 / 3]);
    assert.deepEqual(halton(4, 2), [0.125, 4 / 9]);
    const lrs = Array.from({ length: 16 }, (_, i) => logUniform(halton(i + 1, 1)[0], 1e-3, 1));
    assert.ok(lrs.every((v) => v >= 1e-3 && v <= 1));
    assert.ok(lrs.filter((v) => v < 0.0316).length === 8, 'half the points in each log-half');
  });
});

describe('Transfusion inits', () => {
  it('Mean-Var draws i.i.d. weights with the pretrained mean and variance', () => {
    const random = seededRandom(7);
    const pretrained = Float32Array.from({ length: 20000 }, (_, i) => 0.3 + 0.05 * gaussian(random) + (i % 2 ? 0.1 : -0.1));
    const fresh = meanVarLike(pretrained, seededRandom(8));
    const a = meanAndVariance(pretrained), b = meanAndVariance(fresh);
    assert.ok(Math.abs(a.mean - b.mean) < 0.005, `${a.mean} vs ${b.mean}`);
    assert.ok(Math.abs(a.variance / b.variance - 1) < 0.05, `${a.variance} vs ${b.variance}`);
    // i.i.d.: the alternating structure of the pretrained weights is gone (lag-1 correlation ≈ 0).
    let lag = 0;
    for (let i = 1; i < fresh.length; i++) lag += (fresh[i] - b.mean) * (fresh[i - 1] - b.mean);
    assert.ok(Math.abs(lag / (fresh.length * b.variance)) < 0.05);
  });

  it('Gabor filters are zero-mean, He-scaled and oriented', () => {
    const k = 5, count = 8, w = gaborFilters(k, 1, count, seededRandom(2));
    const filter = (f: number) => Array.from({ length: k * k }, (_, p) => w[p * count + f]);
    for (let f = 0; f < count; f++) {
      const { mean, variance } = meanAndVariance(filter(f));
      assert.ok(Math.abs(mean) < 1e-6);
      assert.ok(Math.abs(Math.sqrt(variance) - Math.sqrt(2 / (k * k))) < 1e-4);
    }
    // Filter 0 (θ = 0) varies along x only through its envelope; filter 4 (θ = π/2) is its transpose in kind:
    // the energy of horizontal vs vertical differences swaps between them.
    const energy = (g: number[], dx: number, dy: number) => {
      let e = 0;
      for (let y = 0; y + dy < k; y++) for (let x = 0; x + dx < k; x++) e += (g[(y + dy) * k + x + dx] - g[y * k + x]) ** 2;
      return e;
    };
    assert.ok(energy(filter(0), 1, 0) > energy(filter(0), 0, 1));
    assert.ok(energy(filter(4), 0, 1) > energy(filter(4), 1, 0));
  });
});

describe('SVCCA', () => {
  it('recovers known canonical correlations of synthetic representations', () => {
    // Two latent signals shared with correlations 0.9 and 0.5, each view mixed by a random linear map into 6
    // neurons (rank 2 + private noise directions): CCA must find 0.9 and 0.5 regardless of the mixing.
    const n = 4000, random = seededRandom(11), rho = [0.9, 0.5];
    const a = mat(n, 6), b = mat(n, 6);
    const mixA = Array.from({ length: 24 }, () => gaussian(random)), mixB = Array.from({ length: 24 }, () => gaussian(random));
    for (let i = 0; i < n; i++) {
      const za: number[] = [], zb: number[] = [];
      for (const r of rho) {
        const z = gaussian(random);
        za.push(z);
        zb.push(r * z + Math.sqrt(1 - r * r) * gaussian(random));
      }
      za.push(gaussian(random), gaussian(random));
      zb.push(gaussian(random), gaussian(random));
      for (let j = 0; j < 6; j++) {
        a.data[i * 6 + j] = za.reduce((s, z, q) => s + z * mixA[q * 6 + j], 0);
        b.data[i * 6 + j] = zb.reduce((s, z, q) => s + z * mixB[q * 6 + j], 0);
      }
    }
    const r = svcca(a, b, 1);
    assert.ok(Math.abs(r.correlations[0] - 0.9) < 0.02, `ρ1 ${r.correlations[0]}`);
    assert.ok(Math.abs(r.correlations[1] - 0.5) < 0.04, `ρ2 ${r.correlations[1]}`);
    assert.ok(r.correlations[2] < 0.1);
    const same = svcca(a, a);
    assert.ok(same.mean > 0.999);
    assert.ok(same.dims[0] <= 4, 'the 99 % variance cut drops directions');
  });
});

describe('npz reader', () => {
  it('reads PneumoniaMNIST', function () {
    if (!existsSync(PNEUMONIA)) return this.skip(); // shared data absent: nothing to read
    const arrays = readNpz(PNEUMONIA);
    assert.deepEqual(arrays.get('val_images')!.shape, [524, 28, 28]);
    assert.equal(arrays.get('train_labels')!.shape[0], 3882);
    const labels = Array.from(arrays.get('test_labels')!.data);
    assert.ok(labels.every((l) => l === 0 || l === 1) && labels.includes(0) && labels.includes(1));
  });
});
