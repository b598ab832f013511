import assert from 'node:assert/strict';
import {
  cholesky, choleskySolve, fromMlMatrix, identity, mat, matmul, NotPositiveDefiniteError, solveSpd,
  solveTriangular, svd, symmetricEigen, toMlMatrix, transpose, type Mat,
} from './linalg64.js';

/** Deterministic pseudo-random matrix (LCG) so failures reproduce. */
function randomMat(rows: number, cols: number, seed: number): Mat {
  let s = seed >>> 0;
  const m = mat(rows, cols);
  for (let i = 0; i < m.data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    m.data[i] = s / 2 ** 32 - 0.5;
  }
  return m;
}

function spd(n: number, seed: number): Mat {
  const a = randomMat(n, n, seed);
  const k = matmul(a, a, true);
  for (let i = 0; i < n; i++) k.data[i * n + i] += 0.1;
  return k;
}

function maxAbsDiff(a: Mat, b: Mat): number {
  assert.equal(a.rows, b.rows);
  assert.equal(a.cols, b.cols);
  let m = 0;
  for (let i = 0; i < a.data.length; i++) m = Math.max(m, Math.abs(a.data[i] - b.data[i]));
  return m;
}

function diagMat(v: Float64Array): Mat {
  const d = mat(v.length, v.length);
  v.forEach((x, i) => (d.data[i * v.length + i] = x));
  return d;
}

describe('linalg64', () => {
  it('matmul agrees with ml-matrix, with and without a transposed right operand', () => {
    const a = randomMat(7, 5, 1), b = randomMat(5, 4, 2);
    const want = fromMlMatrix(toMlMatrix(a).mmul(toMlMatrix(b)));
    assert.ok(maxAbsDiff(matmul(a, b), want) < 1e-14);
    assert.ok(maxAbsDiff(matmul(a, transpose(b), true), want) < 1e-14);
  });

  it('cholesky reconstructs an SPD matrix and solves it', () => {
    const k = spd(40, 3);
    const L = cholesky(k);
    for (let i = 0; i < 40; i++) for (let j = i + 1; j < 40; j++) assert.equal(L.data[i * 40 + j], 0);
    assert.ok(maxAbsDiff(matmul(L, L, true), k) < 1e-12);
    const b = randomMat(40, 3, 4);
    assert.ok(maxAbsDiff(matmul(k, choleskySolve(L, b)), b) < 1e-9);
    assert.ok(maxAbsDiff(matmul(k, solveSpd(k, b)), b) < 1e-9);
  });

  it('solveTriangular solves L X = b and Lᵀ X = b', () => {
    const L = cholesky(spd(12, 5));
    const b = randomMat(12, 2, 6);
    assert.ok(maxAbsDiff(matmul(L, solveTriangular(L, b, true)), b) < 1e-10);
    assert.ok(maxAbsDiff(matmul(transpose(L), solveTriangular(L, b, false)), b) < 1e-10);
  });

  it('cholesky rejects a matrix that is not positive definite', () => {
    const k = mat(2, 2, [1, 2, 2, 1]);
    assert.throws(() => cholesky(k), NotPositiveDefiniteError);
  });

  it('symmetricEigen: A V = V Λ, V orthonormal, values ascending', () => {
    for (const n of [1, 2, 9, 60]) {
      const a = randomMat(n, n, 7 + n);
      const s = matmul(a, a, true); // symmetric, some eigenvalues near zero
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s.data[i * n + j] -= i === j ? 0.3 : 0;
      const { values, vectors } = symmetricEigen(s);
      for (let i = 1; i < n; i++) assert.ok(values[i] >= values[i - 1]);
      assert.ok(maxAbsDiff(matmul(s, vectors), matmul(vectors, diagMat(values))) < 1e-10, `n=${n}`);
      assert.ok(maxAbsDiff(matmul(transpose(vectors), vectors), identity(n)) < 1e-10, `n=${n}`);
    }
  });

  it('symmetricEigen handles repeated eigenvalues (identity, diagonal)', () => {
    const { values, vectors } = symmetricEigen(diagMat(Float64Array.from([3, 1, 3, 2])));
    assert.deepEqual(Array.from(values), [1, 2, 3, 3]);
    assert.ok(maxAbsDiff(matmul(transpose(vectors), vectors), identity(4)) < 1e-14);
  });

  it('svd reconstructs tall and wide matrices with orthonormal factors and sorted values', () => {
    for (const [r, c] of [[30, 8], [8, 30], [10, 10]] as const) {
      const a = randomMat(r, c, r * 31 + c);
      const { u, s, v } = svd(a);
      const k = Math.min(r, c);
      assert.equal(s.length, k);
      for (let i = 1; i < k; i++) assert.ok(s[i] <= s[i - 1]);
      assert.ok(maxAbsDiff(matmul(matmul(u, diagMat(s)), v, true), a) < 1e-12, `${r}x${c}`);
      assert.ok(maxAbsDiff(matmul(transpose(u), u), identity(k)) < 1e-12);
      assert.ok(maxAbsDiff(matmul(transpose(v), v), identity(k)) < 1e-12);
    }
  });

  it('svd singular values are the square roots of the eigenvalues of AᵀA', () => {
    const a = randomMat(20, 6, 99);
    const { s } = svd(a);
    const { values } = symmetricEigen(matmul(transpose(a), a));
    const fromEig = Array.from(values).reverse().map(Math.sqrt);
    s.forEach((x, i) => assert.ok(Math.abs(x - fromEig[i]) < 1e-10));
  });
});
