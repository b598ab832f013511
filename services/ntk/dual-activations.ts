// Closed-form dual kernels of elementwise nonlinearities: for (u, v) ~ N(0, [[q1, k], [k, q2]]),
//   nngp = E[φ(u) φ(v)]   and   dot = E[φ'(u) φ'(v)]   (the NTK is multiplied by `dot`).
// Formulas as neural_tangents/_src/stax/elementwise.py implements them:
//   ABRelu: arc-cosine kernel of Cho & Saul 2009 (leaky form: Tsuchida et al., arXiv:1711.09090);
//   Erf: Williams 1997; Gelu: Tsuchida et al., arXiv:2002.08517; Sin and Gaussian: Gaussian integrals.
import type { Activation } from './architecture.js';

/** Writes [nngp, dot] for one entry into `out`. */
export type DualFn = (k: number, q1: number, q2: number, out: Float64Array) => void;

const sqrt0 = (x: number) => Math.sqrt(Math.max(x, 0));

export function dualFunction(act: Activation): DualFn {
  switch (act.fn) {
    case 'abRelu': {
      const { a, b } = act;
      const factor = (a - b) ** 2 / (2 * Math.PI);
      const half = (a * a + b * b) / 2;
      return (k, q1, q2, out) => {
        const root = sqrt0(q1 * q2 - k * k);
        // θ = angle between u and v; atan2 keeps precision near θ = 0 where acos(k/√(q1q2)) would not.
        const theta = root === 0 && k === 0 ? Math.PI / 2 : Math.atan2(root, k);
        const dot = half - factor * theta;
        out[0] = factor * root + dot * k;
        out[1] = dot;
      };
    }
    case 'erf': {
      const { a, c } = act;
      const b2 = act.b * act.b;
      return (k, q1, q2, out) => {
        const kk = b2 * k;
        const root = sqrt0((1 + 2 * b2 * q1) * (1 + 2 * b2 * q2) - 4 * kk * kk);
        out[0] = a * a * (2 / Math.PI) * Math.atan2(2 * kk, root) + c * c;
        out[1] = (a * a * b2 * 4) / (Math.PI * root);
      };
    }
    case 'gelu':
      return (k, q1, q2, out) => {
        const prod = q1 * q2, prod1 = (q1 + 1) * (q2 + 1);
        const delta2 = prod1 - k * k, delta = sqrt0(delta2);
        const angle = Math.atan2(k, delta);
        out[0] = ((k * k + prod * delta2) / (prod1 * delta) + k * angle) / (2 * Math.PI) + 0.25 * k;
        out[1] = ((1 / delta2 + (1 - prod) / prod1 + 1) * k) / delta / (2 * Math.PI) + 0.25 + angle / (2 * Math.PI);
      };
    case 'sin': {
      const { a, c } = act;
      const b2 = act.b * act.b, halfA2 = (a * a) / 2, cos2c = Math.cos(2 * c);
      return (k, q1, q2, out) => {
        const sum = q1 + q2;
        const s1 = Math.exp(b2 * (-0.5 * sum + k));
        const s2 = Math.exp(b2 * (-0.5 * sum - k)) * cos2c;
        out[0] = halfA2 * (s1 - s2);
        out[1] = halfA2 * b2 * (s1 + s2);
      };
    }
    case 'gaussian': {
      const { a, b } = act;
      const factor = 4 * b * b;
      return (k, q1, q2, out) => {
        const det = sqrt0((1 - 2 * b * q1) * (1 - 2 * b * q2) - factor * k * k);
        out[0] = (a * a) / det;
        out[1] = (a * a * factor * k) / det ** 3;
      };
    }
  }
}

/** The scalar function itself, for finite networks and Monte-Carlo checks. */
export function activationFn(act: Activation): (x: number) => number {
  switch (act.fn) {
    case 'abRelu': return (x) => (x < 0 ? act.a * x : act.b * x);
    case 'erf': return (x) => act.a * erf(act.b * x) + act.c;
    case 'gelu': return (x) => 0.5 * x * (1 + erf(x / Math.SQRT2));
    case 'sin': return (x) => act.a * Math.sin(act.b * x + act.c);
    case 'gaussian': return (x) => act.a * Math.exp(act.b * x * x);
  }
}

/** erf to ~1.2e-7 (Numerical Recipes erfc Chebyshev fit), enough for Monte-Carlo references. */
export function erf(x: number): number {
  const z = Math.abs(x), t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 1 - r : r - 1;
}
