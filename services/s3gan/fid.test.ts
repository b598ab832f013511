import assert from 'node:assert/strict';
import { mat } from '../ml/linalg64.js';
import { seededRandom } from '../ml/seeded-random.js';
import { fid, frechetDistance, kid, sqrtPsd, type Features } from './fid.js';

/** n correlated Gaussian-ish vectors of width d (a shared random mixing of independent normals). */
function sampleFeatures(n: number, d: number, seed: number, noise = 0, shift = 0): Features {
  const random = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const mixRandom = seededRandom(99);
  const mix = Array.from({ length: d * d }, () => mixRandom() - 0.5);
  const values = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: d }, normal);
    for (let j = 0; j < d; j++) {
      let v = shift;
      for (let k = 0; k < d; k++) v += mix[j * d + k]! * z[k]!;
      values[i * d + j] = v + noise * normal();
    }
  }
  return { values, n, d };
}

describe('FID and KID (float64)', () => {
  it('square root of a PSD matrix squares back', () => {
    const a = mat(3, 3, [4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 2]);
    const r = sqrtPsd(a);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += r.data[i * 3 + k]! * r.data[k * 3 + j]!;
      assert.ok(Math.abs(s - a.data[i * 3 + j]!) < 1e-10, `(${i},${j}) ${s} vs ${a.data[i * 3 + j]}`);
    }
  });

  it('matches the closed form for diagonal Gaussians', () => {
    // Diagonal covariances: FID = |Δμ|² + Σ (√a − √b)².
    const a = { mean: Float64Array.from([0, 1]), cov: mat(2, 2, [4, 0, 0, 1]) };
    const b = { mean: Float64Array.from([1, 1]), cov: mat(2, 2, [1, 0, 0, 9]) };
    assert.ok(Math.abs(frechetDistance(a, b) - (1 + 1 + 4)) < 1e-9);
  });

  it('is ≈ 0 for identical sets and grows with added noise', () => {
    const base = sampleFeatures(600, 8, 1);
    assert.ok(fid(base, base) < 1e-8, `FID(x, x) = ${fid(base, base)}`);
    const distances = [0.25, 0.5, 1, 2].map((noise) => fid(base, sampleFeatures(600, 8, 1, noise)));
    for (let i = 1; i < distances.length; i++) assert.ok(distances[i]! > distances[i - 1]!, JSON.stringify(distances));
    assert.ok(distances[0]! > 0.01);
  });

  it('KID is ≈ 0 for identical and for same-distribution sets and grows with noise and shift', () => {
    const o = { subsets: 5, subsetSize: 200, seed: 3 };
    const base = sampleFeatures(600, 8, 1);
    const subset = { ...o, subsetSize: 600 };
    assert.ok(Math.abs(kid(base, base, subset).mean) < 0.05, `identical sets: ${kid(base, base, subset).mean}`);
    assert.ok(Math.abs(kid(base, sampleFeatures(600, 8, 2), o).mean) < 0.05, 'two samples of one distribution');
    const values = [0.5, 1, 2].map((noise) => kid(base, sampleFeatures(600, 8, 1, noise), o).mean);
    for (let i = 1; i < values.length; i++) assert.ok(values[i]! > values[i - 1]!, JSON.stringify(values));
    assert.ok(kid(base, sampleFeatures(600, 8, 2, 0, 1), o).mean > values[0]!);
  });
});
