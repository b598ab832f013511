import assert from 'node:assert/strict';
import { constant, cosineDecay, exponentialDecay, inverseSqrt, stepDecay, withWarmup } from './lr-schedules.js';

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12 * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

describe('learning-rate schedules', () => {
  it('decay as their formulas say', () => {
    close(constant(0.1)(999), 0.1);
    close(stepDecay(1, 0.5, 10)(9), 1);
    close(stepDecay(1, 0.5, 10)(25), 0.25);
    close(exponentialDecay(1, 0.1, 100)(50), 0.1 ** 0.5);
    close(cosineDecay(1, 100, 0.1)(0), 1);
    close(cosineDecay(1, 100, 0.1)(50), 0.55);
    close(cosineDecay(1, 100, 0.1)(500), 0.1);
  });

  it('warm up linearly, then hand over', () => {
    const s = withWarmup(constant(2), 4);
    assert.deepEqual([0, 1, 2, 3, 4, 9].map(s), [0.5, 1, 1.5, 2, 2, 2]);
  });

  it('inverse-sqrt peaks at the end of warmup (Vaswani et al. eq. 3)', () => {
    const s = inverseSqrt(512, 4000);
    const peak = s(3999);
    assert.ok(s(1000) < peak && s(20000) < peak);
    close(peak, 512 ** -0.5 * 4000 ** -0.5);
  });
});
