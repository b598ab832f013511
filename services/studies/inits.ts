// Initializations of the Transfusion study (Raghu et al. 2019, §6): Mean-Var init draws each layer's weights
// i.i.d. from a normal with the mean and variance of the pretrained layer's weights (keeping the scaling of
// transfer without its features); the Gabor init fills the first convolution with synthetic Gabor filters.

export type Random = () => number;

/** A deterministic uniform [0, 1) generator (LCG) for reproducible inits. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** A standard normal draw (Box–Muller). */
export function gaussian(random: Random): number {
  const u = Math.max(random(), 1e-12), v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export function meanAndVariance(values: ArrayLike<number>): { mean: number; variance: number } {
  let sum = 0, sq = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  const mean = sum / values.length;
  for (let i = 0; i < values.length; i++) sq += (values[i] - mean) ** 2;
  return { mean, variance: sq / values.length };
}

/** Fresh weights of the same size, i.i.d. N(mean, variance) of `pretrained`. */
export function meanVarLike(pretrained: ArrayLike<number>, random: Random): Float32Array {
  const { mean, variance } = meanAndVariance(pretrained);
  const sd = Math.sqrt(variance);
  return Float32Array.from({ length: pretrained.length }, () => mean + sd * gaussian(random));
}

/**
 * `count` k×k Gabor filters in HWIO layout [k, k, inChannels, count] (same filter on every input channel):
 * g(x, y) = exp(−(x'² + γ²y'²) / 2σ²) cos(2π x'/λ + ψ), x' = x cosθ + y sinθ, y' = −x sinθ + y cosθ, with
 * orientations θ evenly spread and wavelength, phase and σ drawn per filter; each filter is scaled to the He
 * standard deviation √(2 / fan-in) so the layer's activation scale matches a random init.
 */
export function gaborFilters(k: number, inChannels: number, count: number, random: Random): Float32Array {
  const out = new Float32Array(k * k * inChannels * count);
  const heSd = Math.sqrt(2 / (k * k * inChannels)), c = (k - 1) / 2;
  for (let f = 0; f < count; f++) {
    const theta = (Math.PI * f) / count, lambda = k * (0.4 + 0.8 * random()), psi = 2 * Math.PI * random();
    const sigma = k * (0.2 + 0.2 * random()), gamma = 0.5 + 0.5 * random();
    const g = new Float64Array(k * k);
    for (let y = 0; y < k; y++) {
      for (let x = 0; x < k; x++) {
        const xr = (x - c) * Math.cos(theta) + (y - c) * Math.sin(theta), yr = -(x - c) * Math.sin(theta) + (y - c) * Math.cos(theta);
        g[y * k + x] = Math.exp(-(xr * xr + gamma * gamma * yr * yr) / (2 * sigma * sigma)) * Math.cos((2 * Math.PI * xr) / lambda + psi);
      }
    }
    const { mean, variance } = meanAndVariance(g);
    const scale = heSd / Math.sqrt(variance + 1e-12);
    for (let p = 0; p < k * k; p++) for (let ch = 0; ch < inChannels; ch++) out[(p * inChannels + ch) * count + f] = (g[p] - mean) * scale;
  }
  return out;
}
