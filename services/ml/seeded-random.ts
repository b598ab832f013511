// The suite's one seeded uniform generator, so data synthesis, augmentation, search and training runs are
// reproducible from a seed.

/** A uniform generator on [0, 1). */
export type Random = () => number;

/** Mulberry32: a small, fast 32-bit PRNG with a full 2^32 period — ample for sampling, not for cryptography. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
