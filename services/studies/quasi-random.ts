// Quasi-random search (Shallue et al. 2018 §4.5 use a quasi-random search over learning rate and momentum):
// the Halton sequence covers the unit square more evenly than independent uniforms for the few trials we run.

const PRIMES = [2, 3, 5, 7, 11, 13];

/** The `index`-th (1-based) value of the radical inverse in `base`, in (0, 1). */
export function radicalInverse(index: number, base: number): number {
  let f = 1, r = 0;
  for (let i = index; i > 0; i = Math.floor(i / base)) {
    f /= base;
    r += f * (i % base);
  }
  return r;
}

/** Point `index` (1-based) of the `dims`-dimensional Halton sequence. */
export function halton(index: number, dims: number): number[] {
  if (dims > PRIMES.length) throw new Error(`halton: at most ${PRIMES.length} dimensions`);
  return PRIMES.slice(0, dims).map((p) => radicalInverse(index, p));
}

/** Map u ∈ (0, 1) to a log-uniform value in [lo, hi]. */
export function logUniform(u: number, lo: number, hi: number): number {
  return Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo)));
}
