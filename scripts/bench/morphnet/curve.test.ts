import assert from 'node:assert/strict';
import { BaselineCurve, summarize } from './curve.js';

const point = (flops: number, mean: number) => ({ flops, acc: { mean, std: 0, sem: 0.1, n: 3 } });

describe('morphnet bench statistics', () => {
  it('summarize gives the sample std and the standard error of the mean', () => {
    const s = summarize([1, 2, 3, 4]);
    assert.equal(s.mean, 2.5);
    assert.ok(Math.abs(s.std - Math.sqrt(5 / 3)) < 1e-12);
    assert.ok(Math.abs(s.sem - Math.sqrt(5 / 3) / 2) < 1e-12);
    assert.deepEqual(summarize([7]), { mean: 7, std: 0, sem: 0, n: 1 });
  });

  it('interpolates the baseline curve in log FLOPs, both ways, and clamps or refuses off the curve', () => {
    const curve = new BaselineCurve([point(400, 84), point(100, 80)]);
    // Halfway in log FLOPs between 100 and 400 is 200.
    assert.ok(Math.abs(curve.accuracyAt(200).mean - 82) < 1e-9);
    assert.ok(Math.abs(curve.flopsAt(82)! - 200) < 1e-9);
    assert.equal(curve.accuracyAt(50).mean, 80);
    assert.equal(curve.accuracyAt(1000).mean, 84);
    assert.equal(curve.flopsAt(79), undefined);
    assert.equal(curve.flopsAt(85), undefined);
    // 150 FLOPs reaching the accuracy the baseline needs 200 for: a quarter saved.
    assert.ok(Math.abs(curve.savingAt(150, 82)! - 0.25) < 1e-9);
    assert.throws(() => new BaselineCurve([point(1, 1)]), /two width multipliers/);
  });
});
