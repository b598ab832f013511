// SVCCA (Raghu et al. 2017): reduce each representation (examples × neurons) by SVD to the directions keeping
// 99 % of its variance, then CCA between the two reduced subspaces; the similarity is the mean canonical
// correlation. With orthonormal bases Qa, Qb of the centred, reduced activations, the canonical correlations
// are the singular values of Qaᵀ Qb. All in float64 (services/ml/linalg64.ts).
import { mat, matmul, svd, transpose, type Mat } from '../ml/linalg64.js';

function centred(a: Mat): Mat {
  const out = mat(a.rows, a.cols, a.data);
  for (let j = 0; j < a.cols; j++) {
    let s = 0;
    for (let i = 0; i < a.rows; i++) s += out.data[i * a.cols + j];
    const m = s / a.rows;
    for (let i = 0; i < a.rows; i++) out.data[i * a.cols + j] -= m;
  }
  return out;
}

/** Orthonormal basis (examples × k) of the top singular directions of centred `a` keeping `keep` of the variance. */
export function reducedBasis(a: Mat, keep = 0.99): Mat {
  const { u, s } = svd(centred(a));
  const total = s.reduce((acc, v) => acc + v * v, 0);
  let k = 0, kept = 0;
  while (k < s.length && (kept < keep * total || k === 0)) kept += s[k] ** 2, k++;
  while (k > 1 && s[k - 1] <= 1e-10 * s[0]) k--; // drop numerically null directions
  const basis = mat(a.rows, k);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < k; j++) basis.data[i * k + j] = u.data[i * u.cols + j];
  return basis;
}

export interface SvccaResult {
  /** Canonical correlations, descending. */
  correlations: number[];
  /** Their mean: the SVCCA similarity in [0, 1]. */
  mean: number;
  dims: [number, number];
}

/** SVCCA between two representations of the same examples (rows). */
export function svcca(a: Mat, b: Mat, keep = 0.99): SvccaResult {
  if (a.rows !== b.rows) throw new Error(`svcca: ${a.rows} vs ${b.rows} examples`);
  const qa = reducedBasis(a, keep), qb = reducedBasis(b, keep);
  const correlations = Array.from(svd(matmul(transpose(qa), qb)).s, (v) => Math.min(1, v));
  return { correlations, mean: correlations.reduce((s, v) => s + v, 0) / correlations.length, dims: [qa.cols, qb.cols] };
}
