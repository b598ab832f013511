// The suite's float64 linear algebra: dense row-major matrices over Float64Array, with Cholesky, triangular
// and SPD solves, the symmetric eigendecomposition and the thin SVD. Kernel methods (NTK/NNGP predictions)
// and SVCCA need these in float64 at sizes (n ~ 1k–5k) where ml-matrix's object-per-row routines are
// 10–50x too slow (ml-matrix's EVD took 50 s at n = 1000 here), so the hot loops run on flat arrays; ml-matrix
// is the interchange type (`toMlMatrix` / `fromMlMatrix`) for callers that already use it.
import { Matrix } from 'ml-matrix';

/** A dense row-major float64 matrix: element (i, j) is data[i * cols + j]. */
export interface Mat {
  rows: number;
  cols: number;
  data: Float64Array;
}

export class NotPositiveDefiniteError extends Error {
  constructor(readonly pivot: number) {
    super(`matrix is not positive definite (pivot ${pivot})`);
  }
}

export function mat(rows: number, cols: number, data?: ArrayLike<number>): Mat {
  const out = new Float64Array(rows * cols);
  if (data) {
    if (data.length !== rows * cols) throw new Error(`mat: ${data.length} values for ${rows}x${cols}`);
    out.set(data);
  }
  return { rows, cols, data: out };
}

export function identity(n: number): Mat {
  const m = mat(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
  return m;
}

export function transpose(a: Mat): Mat {
  const t = mat(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) t.data[j * a.rows + i] = a.data[i * a.cols + j];
  return t;
}

export function toMlMatrix(a: Mat): Matrix {
  const m = new Matrix(a.rows, a.cols);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) m.set(i, j, a.data[i * a.cols + j]);
  return m;
}

export function fromMlMatrix(m: Matrix): Mat {
  return mat(m.rows, m.columns, m.to1DArray());
}

/** a · b, or a · bᵀ with `transposeB` (rows of both are then dotted, contiguous in memory). */
export function matmul(a: Mat, b: Mat, transposeB = false): Mat {
  const inner = transposeB ? b.cols : b.rows;
  if (a.cols !== inner) throw new Error(`matmul: ${a.rows}x${a.cols} by ${b.rows}x${b.cols}${transposeB ? 'ᵀ' : ''}`);
  const n = transposeB ? b.rows : b.cols;
  const c = mat(a.rows, n);
  const A = a.data, B = b.data, C = c.data, K = a.cols;
  for (let i = 0; i < a.rows; i++) {
    const ai = i * K, ci = i * n;
    if (transposeB) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        const bj = j * K;
        for (let k = 0; k < K; k++) s += A[ai + k] * B[bj + k];
        C[ci + j] = s;
      }
    } else {
      for (let k = 0; k < K; k++) {
        const aik = A[ai + k];
        if (aik === 0) continue;
        const bk = k * n;
        for (let j = 0; j < n; j++) C[ci + j] += aik * B[bk + j];
      }
    }
  }
  return c;
}

/** Lower-triangular L with L Lᵀ = a (a symmetric positive definite); throws NotPositiveDefiniteError. */
export function cholesky(a: Mat): Mat {
  const n = squareSize(a, 'cholesky');
  const L = mat(n, n);
  const A = a.data, D = L.data;
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let s = A[rj + j];
    for (let k = 0; k < j; k++) s -= D[rj + k] * D[rj + k];
    if (!(s > 0)) throw new NotPositiveDefiniteError(j);
    const ljj = Math.sqrt(s);
    D[rj + j] = ljj;
    // Four rows at a time: each L[j, k] loaded once serves four dot products (~2x faster at n = 5000).
    let i = j + 1;
    for (; i + 4 <= n; i += 4) {
      const r0 = i * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
      let t0 = A[r0 + j], t1 = A[r1 + j], t2 = A[r2 + j], t3 = A[r3 + j];
      for (let k = 0; k < j; k++) {
        const l = D[rj + k];
        t0 -= D[r0 + k] * l;
        t1 -= D[r1 + k] * l;
        t2 -= D[r2 + k] * l;
        t3 -= D[r3 + k] * l;
      }
      D[r0 + j] = t0 / ljj;
      D[r1 + j] = t1 / ljj;
      D[r2 + j] = t2 / ljj;
      D[r3 + j] = t3 / ljj;
    }
    for (; i < n; i++) {
      const ri = i * n;
      let t = A[ri + j];
      for (let k = 0; k < j; k++) t -= D[ri + k] * D[rj + k];
      D[ri + j] = t / ljj;
    }
  }
  return L;
}

/** X with L X = b (lower = true) or Lᵀ X = b (lower = false), for lower-triangular L and any number of columns of b. */
export function solveTriangular(L: Mat, b: Mat, lower = true): Mat {
  const n = squareSize(L, 'solveTriangular');
  if (b.rows !== n) throw new Error(`solveTriangular: ${n}x${n} with ${b.rows}x${b.cols}`);
  const k = b.cols, X = mat(n, k), x = X.data, l = L.data;
  x.set(b.data);
  if (lower) {
    for (let i = 0; i < n; i++) {
      const xi = i * k;
      for (let j = 0; j < i; j++) {
        const lij = l[i * n + j];
        if (lij === 0) continue;
        const xj = j * k;
        for (let c = 0; c < k; c++) x[xi + c] -= lij * x[xj + c];
      }
      const d = l[i * n + i];
      for (let c = 0; c < k; c++) x[xi + c] /= d;
    }
  } else {
    // Lᵀ X = b, back substitution; row i of L holds column i of Lᵀ, so updates stay contiguous.
    for (let i = n - 1; i >= 0; i--) {
      const xi = i * k, d = l[i * n + i];
      for (let c = 0; c < k; c++) x[xi + c] /= d;
      for (let j = 0; j < i; j++) {
        const lij = l[i * n + j];
        if (lij === 0) continue;
        const xj = j * k;
        for (let c = 0; c < k; c++) x[xj + c] -= lij * x[xi + c];
      }
    }
  }
  return X;
}

/** X with (L Lᵀ) X = b, given the Cholesky factor L. */
export function choleskySolve(L: Mat, b: Mat): Mat {
  return solveTriangular(L, solveTriangular(L, b, true), false);
}

/** Solve a X = b for symmetric positive definite a. */
export function solveSpd(a: Mat, b: Mat): Mat {
  return choleskySolve(cholesky(a), b);
}

/**
 * Eigendecomposition a = V diag(values) Vᵀ of a symmetric matrix: values ascending, eigenvectors in the
 * columns of `vectors`. Householder tridiagonalization then implicit QL (tred2/tql2 of EISPACK via JAMA).
 */
export function symmetricEigen(a: Mat): { values: Float64Array; vectors: Mat } {
  const n = squareSize(a, 'symmetricEigen');
  const V = new Float64Array(a.data);
  const d = new Float64Array(n), e = new Float64Array(n);
  tridiagonalize(V, d, e, n);
  const Vt = transpose({ rows: n, cols: n, data: V }).data; // rows = eigenvectors: QL rotations stay contiguous
  diagonalizeTridiagonal(Vt, d, e, n);
  const order = Array.from(d.keys()).sort((i, j) => d[i] - d[j]);
  const values = new Float64Array(n), vectors = mat(n, n);
  order.forEach((src, dst) => {
    values[dst] = d[src];
    for (let k = 0; k < n; k++) vectors.data[k * n + dst] = Vt[src * n + k];
  });
  return { values, vectors };
}

/** Householder reduction to tridiagonal form (tred2): V is overwritten with the orthogonal transform. */
function tridiagonalize(V: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = V[(n - 1) * n + j];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0, h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = V[(i - 1) * n + j];
        V[i * n + j] = 0;
        V[j * n + i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1], g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        V[j * n + i] = f;
        g = e[j] + V[j * n + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[k * n + j] * d[k];
          e[k] += V[k * n + j] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) V[k * n + j] -= f * e[k] + g * d[k];
        d[j] = V[(i - 1) * n + j];
        V[i * n + j] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    V[(n - 1) * n + i] = V[i * n + i];
    V[i * n + i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[k * n + i + 1] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[k * n + i + 1] * V[k * n + j];
        for (let k = 0; k <= i; k++) V[k * n + j] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) V[k * n + i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[(n - 1) * n + j];
    V[(n - 1) * n + j] = 0;
  }
  V[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/** Implicit QL on the tridiagonal (d, e) (tql2); Vt's rows are rotated along, ending as eigenvectors. */
function diagonalizeTridiagonal(Vt: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0, tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n && Math.abs(e[m]) > eps * tst1) m++;
    if (m > l) {
      let iterations = 0;
      do {
        if (++iterations > 60) throw new Error('symmetricEigen: QL iteration did not converge');
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1, c2 = c, c3 = c, s = 0, s2 = 0;
        const el1 = e[l + 1];
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          const a = i * n, b = (i + 1) * n;
          for (let k = 0; k < n; k++) {
            const vk1 = Vt[b + k], vk = Vt[a + k];
            Vt[b + k] = s * vk + c * vk1;
            Vt[a + k] = c * vk - s * vk1;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}

/**
 * Thin SVD a = U diag(s) Vᵀ (s descending, U: rows x r, V: cols x r, r = min(rows, cols)) by one-sided
 * Jacobi (Hestenes) rotations, which keep full relative accuracy of small singular values.
 */
export function svd(a: Mat): { u: Mat; s: Float64Array; v: Mat } {
  if (a.rows < a.cols) {
    const t = svd(transpose(a));
    return { u: t.v, s: t.s, v: t.u };
  }
  const m = a.rows, n = a.cols;
  const W = transpose(a).data; // row j = column j of a, rotated into U·diag(s)
  const Vt = identity(n).data;
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0, beta = 0, gamma = 0;
        const wp = p * m, wq = q * m;
        for (let k = 0; k < m; k++) {
          alpha += W[wp + k] * W[wp + k];
          beta += W[wq + k] * W[wq + k];
          gamma += W[wp + k] * W[wq + k];
        }
        if (Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta) || gamma === 0) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t), s = c * t;
        rotate(W, wp, wq, m, c, s);
        rotate(Vt, p * n, q * n, n, c, s);
      }
    }
    if (!rotated) break;
  }
  const norms = Array.from({ length: n }, (_, j) => {
    let s = 0;
    for (let k = 0; k < m; k++) s += W[j * m + k] ** 2;
    return Math.sqrt(s);
  });
  const order = Array.from(norms.keys()).sort((i, j) => norms[j] - norms[i]);
  const u = mat(m, n), v = mat(n, n), s = new Float64Array(n);
  order.forEach((src, dst) => {
    s[dst] = norms[src];
    for (let k = 0; k < m; k++) u.data[k * n + dst] = norms[src] > 0 ? W[src * m + k] / norms[src] : 0;
    for (let k = 0; k < n; k++) v.data[k * n + dst] = Vt[src * n + k];
  });
  return { u, s, v };
}

function rotate(x: Float64Array, p: number, q: number, len: number, c: number, s: number): void {
  for (let k = 0; k < len; k++) {
    const xp = x[p + k], xq = x[q + k];
    x[p + k] = c * xp - s * xq;
    x[q + k] = s * xp + c * xq;
  }
}

function squareSize(a: Mat, what: string): number {
  if (a.rows !== a.cols) throw new Error(`${what}: matrix is ${a.rows}x${a.cols}, not square`);
  return a.rows;
}
