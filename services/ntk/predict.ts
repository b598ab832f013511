// Closed-form predictions of the infinite ensemble (Lee et al. 2019, "Wide Neural Networks of Any Depth
// Evolve as Linear Models Under Gradient Descent", eqs. 15–16), as neural_tangents'
// `predict.gradient_descent_mse_ensemble` computes them. With loss (1/2|y|)·Σ(f − y)², |y| = N·K train
// outputs, and the train-train kernel K_dd + reg·I = V diag(λ) Vᵀ, gradient flow to time t gives
//   mean(t) = K_td · V diag(−expm1(−λt/|y|)/λ) Vᵀ · y,
// and t = ∞ is the kernel-regression / GP-posterior solution K_td (K_dd + reg·I)⁻¹ y (by Cholesky).
import { cholesky, choleskySolve, matmul, symmetricEigen, transpose, type Mat } from '../ml/linalg64.js';

export type PredictionMethod = 'ntkGradientDescent' | 'nngpGradientDescent' | 'nngpPosterior';
export type CovarianceMode = 'none' | 'variances' | 'full';

/** Kernels between train (d) and test (t) inputs; which ones are needed depends on the method (see `neededKernels`). */
export interface PredictKernels {
  nngpTrain?: Mat;
  ntkTrain?: Mat;
  /** [M, N]. */
  nngpTestTrain?: Mat;
  ntkTestTrain?: Mat;
  /** Test-test NNGP: the full [M, M] matrix (needed for full covariance), or its diagonal as an [M, 1] matrix. */
  nngpTest?: Mat;
}

export interface PredictOptions {
  method: PredictionMethod;
  /** Training times (Infinity allowed), already in units of learning rate × time. */
  times: readonly number[];
  diagReg: number;
  diagRegAbsolute: boolean;
  covariance: CovarianceMode;
}

export interface Prediction {
  time: number;
  /** [M, K]. */
  mean: Mat;
  variances: Float64Array | null;
  covariance: Mat | null;
}

export class SingularKernelError extends Error {}

export function neededKernels(method: PredictionMethod, covariance: CovarianceMode): { ntk: boolean; nngp: boolean } {
  const ntk = method === 'ntkGradientDescent';
  return { ntk, nngp: !ntk || covariance !== 'none' };
}

/** A function of the (regularized) train kernel applied to a matrix: B ↦ V diag(f(λ)) Vᵀ B. */
type KernelFunction = (b: Mat) => Mat;

export function predict(k: PredictKernels, y: Mat, opts: PredictOptions): Prediction[] {
  const ntkMode = opts.method === 'ntkGradientDescent';
  const train = need(ntkMode ? k.ntkTrain : k.nngpTrain, 'train kernel');
  const testTrain = need(ntkMode ? k.ntkTestTrain : k.nngpTestTrain, 'test-train kernel');
  const size = y.rows * y.cols;
  const regularized = addDiagonal(train, regularizer(train, opts.diagReg, opts.diagRegAbsolute));
  const times = opts.method === 'nngpPosterior' ? [Infinity] : opts.times;
  let eigen: ReturnType<typeof symmetricEigen> | undefined;
  let chol: Mat | undefined;
  // f(λ) = −expm1(−λt/|y|)/λ  (→ t/|y| as λ → 0; negative round-off eigenvalues clipped to 0 as neural_tangents does).
  const fn = (t: number): KernelFunction => {
    if (t === Infinity) {
      chol ??= choleskyOrExplain(regularized);
      return (b) => choleskySolve(chol!, b);
    }
    eigen ??= symmetricEigen(regularized);
    const { values, vectors } = eigen;
    const f = values.map((l) => {
      const lam = Math.max(l, 0), x = (lam * t) / size;
      return lam * t === 0 ? t / size : -Math.expm1(-x) / lam;
    });
    return (b) => {
      const c = matmul(transpose(vectors), b);
      for (let i = 0; i < c.rows; i++) for (let j = 0; j < c.cols; j++) c.data[i * c.cols + j] *= f[i];
      return matmul(vectors, c);
    };
  };
  return times.map((time) => {
    const apply = fn(time);
    const mean = matmul(testTrain, apply(y));
    if (opts.covariance === 'none') return { time, mean, variances: null, covariance: null };
    const test = need(k.nngpTest, 'test-test NNGP');
    const cov = ntkMode
      ? ntkCovariance(apply, testTrain, need(k.nngpTestTrain, 'test-train NNGP'), need(k.nngpTrain, 'train NNGP'), test, opts.covariance)
      : nngpCovariance(time === Infinity ? apply : fn(2 * time), testTrain, test, opts.covariance);
    return { time, mean, ...cov };
  });
}

/** Readout-only (NNGP) dynamics: Σ(t) = K_tt − K_td V diag(f_2t(λ)) Vᵀ K_dt; at t = ∞ the Bayesian posterior. */
function nngpCovariance(apply2t: KernelFunction, ktd: Mat, ktt: Mat, mode: CovarianceMode): { variances: Float64Array; covariance: Mat | null } {
  const a = apply2t(transpose(ktd)); // [N, M]
  return finishCovariance(ktt, mode, (l, m) => -dotColumn(ktd, l, a, m));
}

/**
 * Lee et al. 2019 eq. 16 with A = V diag(f_t(λ)) Vᵀ Θ_dt ([N, M]):
 *   Σ(t) = K_tt + Aᵀ K_dd A − (K_td A + (K_td A)ᵀ).
 */
function ntkCovariance(
  apply: KernelFunction, ntkTd: Mat, nngpTd: Mat, nngpDd: Mat, ktt: Mat, mode: CovarianceMode,
): { variances: Float64Array; covariance: Mat | null } {
  const a = apply(transpose(ntkTd));
  const ka = matmul(nngpDd, a); // [N, M]
  return finishCovariance(ktt, mode, (l, m) => columnDot(a, l, ka, m) - dotColumn(nngpTd, l, a, m) - dotColumn(nngpTd, m, a, l));
}

/** Σ = K_tt + correction(l, m), computed for every pair (full) or only the diagonal (variances). */
function finishCovariance(ktt: Mat, mode: CovarianceMode, correction: (l: number, m: number) => number): { variances: Float64Array; covariance: Mat | null } {
  const M = ktt.rows, full = mode === 'full';
  if (full && ktt.cols !== M) throw new Error('full covariance needs the full test-test kernel');
  const variances = new Float64Array(M);
  const covariance = full ? { rows: M, cols: M, data: new Float64Array(M * M) } : null;
  for (let l = 0; l < M; l++) {
    const kll = ktt.cols === 1 ? ktt.data[l] : ktt.data[l * M + l];
    variances[l] = kll + correction(l, l);
    if (covariance) {
      for (let m = l; m < M; m++) {
        const v = m === l ? variances[l] : ktt.data[l * M + m] + correction(l, m);
        covariance.data[l * M + m] = covariance.data[m * M + l] = v;
      }
    }
  }
  return { variances, covariance };
}

/** Row l of a ([M, N]) · column m of b ([N, M]). */
function dotColumn(a: Mat, l: number, b: Mat, m: number): number {
  let s = 0;
  for (let k = 0; k < a.cols; k++) s += a.data[l * a.cols + k] * b.data[k * b.cols + m];
  return s;
}

/** Column l of a · column m of b (both [N, M]). */
function columnDot(a: Mat, l: number, b: Mat, m: number): number {
  let s = 0;
  for (let k = 0; k < a.rows; k++) s += a.data[k * a.cols + l] * b.data[k * b.cols + m];
  return s;
}

/** neural_tangents' `diag_reg`: absolute, or relative to the mean of the kernel's diagonal (its default). */
function regularizer(k: Mat, diagReg: number, absolute: boolean): number {
  if (absolute || diagReg === 0) return diagReg;
  let trace = 0;
  for (let i = 0; i < k.rows; i++) trace += k.data[i * k.cols + i];
  return (diagReg * trace) / k.rows;
}

function addDiagonal(k: Mat, reg: number): Mat {
  const out = { rows: k.rows, cols: k.cols, data: new Float64Array(k.data) };
  for (let i = 0; i < k.rows; i++) out.data[i * k.cols + i] += reg;
  return out;
}

function choleskyOrExplain(k: Mat): Mat {
  try {
    return cholesky(k);
  } catch (error) {
    throw new SingularKernelError(`the train kernel is singular or indefinite (${(error as Error).message}); use a positive diag_reg`);
  }
}

function need<T>(x: T | undefined, what: string): T {
  if (x === undefined) throw new Error(`predict: missing ${what}`);
  return x;
}
