import assert from 'node:assert/strict';
import { activationFn, dualFunction, erf } from './dual-activations.js';
import type { Activation } from './architecture.js';

// E[g(u) h(v)] for (u, v) ~ N(0, [[q1, k], [k, q2]]) by tensor-product Gauss–Hermite quadrature on
// u = √q1·z1, v = ρ√q2·z1 + √(q2(1 − ρ²))·z2 (a deterministic reference, independent of the closed forms).
function gaussHermite(n: number): { x: number[]; w: number[] } {
  // Newton on the normalized Hermite recurrence (Numerical Recipes' gauher); n even, roots come in ± pairs.
  const x: number[] = [], w: number[] = [];
  for (let i = 0; i < n / 2; i++) {
    let z = i === 0 ? Math.sqrt(2 * n + 1) - 1.85575 * (2 * n + 1) ** -0.16667
      : i === 1 ? x[0] - (1.14 * n ** 0.426) / x[0]
      : i === 2 ? 1.86 * x[1] - 0.86 * x[0]
      : i === 3 ? 1.91 * x[2] - 0.91 * x[1]
      : 2 * x[i - 1] - x[i - 2];
    let pp = 0;
    for (let it = 0; it < 100; it++) {
      let p1 = Math.PI ** -0.25, p2 = 0;
      for (let j = 0; j < n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = z * Math.sqrt(2 / (j + 1)) * p2 - Math.sqrt(j / (j + 1)) * p3;
      }
      pp = Math.sqrt(2 * n) * p2;
      const dz = p1 / pp;
      z -= dz;
      if (Math.abs(dz) < 1e-14) break;
    }
    x.push(z);
    w.push(2 / (pp * pp));
  }
  return { x: [...x, ...x.map((v) => -v)], w: [...w, ...w] };
}

const nodes = gaussHermite(60); // weights for ∫ e^{−z²} f(z) dz, nodes symmetric

function expectation(g: (u: number) => number, h: (v: number) => number, k: number, q1: number, q2: number): number {
  const rho = k / Math.sqrt(q1 * q2);
  let s = 0;
  for (let a = 0; a < nodes.x.length; a++) {
    const z1 = Math.SQRT2 * nodes.x[a], u = Math.sqrt(q1) * z1, gu = g(u);
    for (let b = 0; b < nodes.x.length; b++) {
      const z2 = Math.SQRT2 * nodes.x[b];
      s += nodes.w[a] * nodes.w[b] * gu * h(rho * Math.sqrt(q2) * z1 + Math.sqrt(q2 * (1 - rho * rho)) * z2);
    }
  }
  return s / Math.PI;
}

const derivative = (f: (x: number) => number) => (x: number) => (f(x + 1e-5) - f(x - 1e-5)) / 2e-5;

const smooth: [string, Activation][] = [
  ['Erf', { fn: 'erf', a: 1.3, b: 0.7, c: 0.2 }],
  ['Sigmoid_like', { fn: 'erf', a: 0.5, b: 1 / 2.4020563531719796, c: 0.5 }],
  ['Gelu', { fn: 'gelu' }],
  ['Sin', { fn: 'sin', a: 1.1, b: 0.8, c: 0.3 }],
  ['Gaussian', { fn: 'gaussian', a: 1.2, b: -0.6 }],
];
const cases: [number, number, number][] = [[0.7, 1.1, 0.9], [-0.4, 0.8, 1.5], [0, 1, 2], [1.19, 1.2, 1.2]];

describe('dual activations (closed forms vs 2-D Gauss–Hermite quadrature)', () => {
  for (const [name, act] of smooth) {
    it(`${name}: nngp = E[φφ] and dot = E[φ'φ'] to 1e-6`, () => {
      const f = dualFunction(act), phi = activationFn(act), dphi = derivative(phi), out = new Float64Array(2);
      for (const [k, q1, q2] of cases) {
        f(k, q1, q2, out);
        assert.ok(Math.abs(out[0] - expectation(phi, phi, k, q1, q2)) < 1e-6, `${name} nngp at ${[k, q1, q2]}: ${out[0]}`);
        assert.ok(Math.abs(out[1] - expectation(dphi, dphi, k, q1, q2)) < 1e-5, `${name} dot at ${[k, q1, q2]}: ${out[1]}`);
      }
    });
  }

  for (const [name, a, b] of [['Relu', 0, 1], ['LeakyRelu(0.2)', 0.2, 1], ['Abs', -1, 1]] as const) {
    it(`${name}: matches the (leaky) arc-cosine kernel`, () => {
      const f = dualFunction({ fn: 'abRelu', a, b }), out = new Float64Array(2);
      for (const [k, q1, q2] of cases) {
        f(k, q1, q2, out);
        // Cho & Saul 2009 degree-1 arc-cosine kernel, split into the four sign quadrants of (u, v).
        const theta = Math.acos(Math.max(-1, Math.min(1, k / Math.sqrt(q1 * q2)))), r = Math.sqrt(q1 * q2) / (2 * Math.PI);
        const same = r * (Math.sin(theta) + (Math.PI - theta) * Math.cos(theta));
        const opposite = r * (Math.sin(theta) - theta * Math.cos(theta));
        const want = (a * a + b * b) * same - 2 * a * b * opposite;
        const wantDot = ((a * a + b * b) * (Math.PI - theta) + 2 * a * b * theta) / (2 * Math.PI);
        assert.ok(Math.abs(out[0] - want) < 1e-9, `${name} nngp ${out[0]} vs ${want}`);
        assert.ok(Math.abs(out[1] - wantDot) < 1e-9, `${name} dot ${out[1]} vs ${wantDot}`);
      }
    });
  }

  it('erf approximation is accurate to 2e-7', () => {
    for (const [x, want] of [[0.5, 0.5204998778130465], [-1.3, -0.9340079449406524], [2.2, 0.9981371537020182]]) {
      assert.ok(Math.abs(erf(x) - want) < 2e-7);
    }
  });
});
