// Fréchet distance (Heusel et al. 2017) and kernel distance (Bińkowski et al. 2018) between two sets of
// feature vectors, in float64. Here the features come from the repo's own Fashion-MNIST classifier
// (feature-classifier.ts), so the numbers are "FID/KID on Fashion-MNIST classifier features", NOT Inception
// FID: they rank models trained in this study against each other and are not comparable with published FIDs.
import { mat, matmul, symmetricEigen, transpose, type Mat } from '../ml/linalg64.js';
import { seededRandom } from '../ml/seeded-random.js';

/** n feature vectors of width d, row-major. */
export interface Features {
  values: ArrayLike<number>;
  n: number;
  d: number;
}

export interface Gaussian {
  mean: Float64Array;
  /** Unbiased covariance (divides by n − 1). */
  cov: Mat;
}

export function gaussianStats(f: Features): Gaussian {
  if (f.n < 2) throw new Error('gaussianStats: need at least 2 feature vectors');
  const mean = new Float64Array(f.d);
  for (let i = 0; i < f.n; i++) for (let j = 0; j < f.d; j++) mean[j] += f.values[i * f.d + j]! / f.n;
  const centered = mat(f.n, f.d);
  for (let i = 0; i < f.n; i++) for (let j = 0; j < f.d; j++) centered.data[i * f.d + j] = f.values[i * f.d + j]! - mean[j]!;
  const cov = matmul(transpose(centered), centered);
  for (let k = 0; k < cov.data.length; k++) cov.data[k]! /= f.n - 1;
  return { mean, cov };
}

/** Principal square root of a symmetric positive semi-definite matrix (eigenvalues below 0 from rounding → 0). */
export function sqrtPsd(a: Mat): Mat {
  const { values, vectors } = symmetricEigen(a);
  const n = a.rows;
  const scaled = mat(n, n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) scaled.data[i * n + k] = vectors.data[i * n + k]! * Math.sqrt(Math.max(0, values[k]!));
  return matmul(scaled, vectors, true);
}

/**
 * ‖μ₁ − μ₂‖² + tr Σ₁ + tr Σ₂ − 2 tr (Σ₁^½ Σ₂ Σ₁^½)^½. The cross term uses the symmetric form, whose trace
 * equals tr (Σ₁Σ₂)^½ but needs only symmetric eigendecompositions (stable in float64).
 */
export function frechetDistance(a: Gaussian, b: Gaussian): number {
  const d = a.mean.length;
  let meanTerm = 0;
  for (let j = 0; j < d; j++) meanTerm += (a.mean[j]! - b.mean[j]!) ** 2;
  const rootA = sqrtPsd(a.cov);
  const middle = matmul(matmul(rootA, b.cov), rootA);
  // Symmetrise away rounding before the eigendecomposition.
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) {
    const m = (middle.data[i * d + j]! + middle.data[j * d + i]!) / 2;
    middle.data[i * d + j] = m;
    middle.data[j * d + i] = m;
  }
  const crossTrace = symmetricEigen(middle).values.reduce((s, v) => s + Math.sqrt(Math.max(0, v)), 0);
  let traces = 0;
  for (let j = 0; j < d; j++) traces += a.cov.data[j * d + j]! + b.cov.data[j * d + j]!;
  return Math.max(0, meanTerm + traces - 2 * crossTrace);
}

export function fid(a: Features, b: Features): number {
  return frechetDistance(gaussianStats(a), gaussianStats(b));
}

export interface KidOptions {
  subsets: number;
  subsetSize: number;
  seed: number;
}

/**
 * Unbiased MMD² with the cubic polynomial kernel k(x, y) = (xᵀy / d + 1)³, averaged over random subsets of
 * both sets (the KID estimator of Bińkowski et al. 2018); mean and standard deviation over subsets.
 */
export function kid(a: Features, b: Features, o: KidOptions): { mean: number; std: number } {
  const random = seededRandom(o.seed);
  const m = Math.min(o.subsetSize, a.n, b.n);
  if (m < 2) throw new Error('kid: need at least 2 vectors per subset');
  const d = a.d;
  const pick = (f: Features): Float64Array => {
    const rows = new Float64Array(m * d);
    for (let i = 0; i < m; i++) {
      const r = Math.floor(random() * f.n);
      for (let j = 0; j < d; j++) rows[i * d + j] = f.values[r * d + j]!;
    }
    return rows;
  };
  const kernelSum = (x: Float64Array, y: Float64Array, skipDiagonal: boolean): number => {
    const gram = matmul({ rows: m, cols: d, data: x }, { rows: m, cols: d, data: y }, true).data;
    let s = 0;
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) if (!skipDiagonal || i !== j) s += (gram[i * m + j]! / d + 1) ** 3;
    return s;
  };
  const estimates: number[] = [];
  for (let s = 0; s < o.subsets; s++) {
    const x = pick(a), y = pick(b);
    estimates.push((kernelSum(x, x, true) + kernelSum(y, y, true)) / (m * (m - 1)) - (2 * kernelSum(x, y, false)) / (m * m));
  }
  const mean = estimates.reduce((p, v) => p + v, 0) / estimates.length;
  const std = Math.sqrt(estimates.reduce((p, v) => p + (v - mean) ** 2, 0) / estimates.length);
  return { mean, std };
}
