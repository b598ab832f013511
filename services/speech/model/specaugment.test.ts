import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { maxTimeMaskWidth, seededRandom, SPEC_AUGMENT_POLICIES, specAugment, type SpecAugmentPolicy } from './specaugment.js';

const REFERENCE = new URL('../../../../shared/reference/specaugment.json', import.meta.url);
const BINS = 80;
const ones = (frames: number) => new Float32Array(frames * BINS).fill(1);
const zerosIn = (x: Float32Array) => x.reduce((n, v) => n + (v === 0 ? 1 : 0), 0);
/** A generator that always returns the same value: 0 gives the narrowest/lowest choice, ~1 the widest/highest. */
const constant = (v: number) => () => v;

describe('SpecAugment', () => {
  it('defines the paper policies exactly as the reference table', function () {
    if (!existsSync(REFERENCE)) {
      console.log(`skipping: ${REFERENCE.pathname} is absent`);
      return this.skip();
    }
    const ref = JSON.parse(readFileSync(REFERENCE, 'utf8')) as { policies: Record<string, SpecAugmentPolicy> };
    for (const [name, policy] of Object.entries(SPEC_AUGMENT_POLICIES)) {
      const { W, F, mF, T, p, mT } = ref.policies[name];
      assert.deepEqual(policy, { W, F, mF, T, p, mT }, name);
    }
  });

  for (const [name, policy] of Object.entries(SPEC_AUGMENT_POLICIES)) {
    it(`${name}: mask counts, widest widths and the time-mask cap are exact`, () => {
      const frames = 500;
      const r = specAugment(ones(frames), frames, BINS, policy, constant(0.999999));
      assert.equal(r.freqMasks.length, policy.mF);
      assert.equal(r.timeMasks.length, policy.mT);
      for (const m of r.freqMasks) assert.equal(m.width, policy.F);
      for (const m of r.timeMasks) assert.equal(m.width, Math.min(policy.T, Math.floor(policy.p * frames)));
      // All masks land at the same (last) place, so the zeros are exactly one freq band plus one time band.
      const f = policy.F;
      const t = maxTimeMaskWidth(policy, frames);
      assert.equal(zerosIn(r.features), f * frames + t * BINS - f * t);
      assert.equal(r.warp.shift, policy.W);
    });

    it(`${name}: random masks stay within bounds and zero exactly their union`, () => {
      const random = seededRandom(7);
      for (const frames of [60, 150, 400]) {
        const r = specAugment(ones(frames), frames, BINS, policy, random);
        const cap = maxTimeMaskWidth(policy, frames);
        const masked = new Set<number>();
        for (const m of r.freqMasks) {
          assert.ok(m.width >= 0 && m.width <= policy.F && m.start >= 0 && m.start + m.width <= BINS);
          for (let t = 0; t < frames; t++) for (let k = m.start; k < m.start + m.width; k++) masked.add(t * BINS + k);
        }
        for (const m of r.timeMasks) {
          assert.ok(m.width >= 0 && m.width <= cap && m.start >= 0 && m.start + m.width <= frames);
          for (let t = m.start; t < m.start + m.width; t++) for (let k = 0; k < BINS; k++) masked.add(t * BINS + k);
        }
        assert.equal(zerosIn(r.features), masked.size);
      }
    });
  }

  it('caps time masks at p·τ (SM on a 100-frame utterance: at most 20 frames, not T = 70)', () => {
    const r = specAugment(ones(100), 100, BINS, SPEC_AUGMENT_POLICIES.SM, constant(0.999999));
    assert.deepEqual(r.timeMasks.map((m) => m.width), [20, 20]);
  });

  it('warps time only when τ > 2W + 2, keeping both ends fixed', () => {
    const short = specAugment(ones(160), 160, BINS, SPEC_AUGMENT_POLICIES.LB, seededRandom(1));
    assert.deepEqual(short.warp, { centre: 0, shift: 0 });
    const frames = 300;
    const ramp = Float32Array.from({ length: frames * BINS }, (_, i) => Math.floor(i / BINS) + 1);
    const policy = { ...SPEC_AUGMENT_POLICIES.LB, mF: 0, mT: 0 };
    const r = specAugment(ramp, frames, BINS, policy, constant(0.999999));
    assert.deepEqual(r.warp, { centre: frames - policy.W - 2, shift: policy.W });
    assert.equal(r.features[0], 1);
    assert.equal(r.features[(frames - 1) * BINS], frames);
    // Frame `centre` (value centre + 1) now sits at `centre + shift`.
    assert.ok(Math.abs(r.features[(r.warp.centre + r.warp.shift) * BINS] - (r.warp.centre + 1)) < 1e-3);
  });
});
