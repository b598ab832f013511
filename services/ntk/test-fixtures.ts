// Shared by the ntk tests: deterministic inputs, layer shorthands and the relative error used throughout.
import type { Activation, Architecture, Layer } from './architecture.js';
import type { Inputs } from './kernel-block.js';

/** Deterministic N(0, 1)-ish inputs (Box–Muller over an LCG) so failures reproduce. */
export function gaussianInputs(n: number, shape: number[], seed: number): Inputs {
  let s = seed >>> 0;
  const uniform = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 1) / 2 ** 32;
  const size = shape.reduce((a, b) => a * b, 1);
  const data = Float64Array.from({ length: n * size }, () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()));
  const image = shape.length === 3;
  return { n, image, h: image ? shape[0] : 1, w: image ? shape[1] : 1, channels: shape[shape.length - 1], data };
}

/** ‖a − b‖ / ‖a‖ (Frobenius), neural_tangents' assert_close_matrices measure. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += a[i] ** 2;
  }
  return Math.sqrt(num / den);
}

export const act = (name: string, a: Activation): Layer => ({ kind: 'activation', name, act: a });
export const L = {
  serial: (...layers: Layer[]): Layer => ({ kind: 'serial', layers }),
  dense: (wStd = 1, bStd = 0): Layer => ({ kind: 'dense', wStd, bStd }),
  conv: (window: [number, number], padding: 'valid' | 'same' | 'circular' = 'same', strides: [number, number] = [1, 1], wStd = 1.3, bStd = 0.1): Layer =>
    ({ kind: 'conv', window, strides, padding, wStd, bStd }),
  avgPool: (window: [number, number], padding: 'valid' | 'same' | 'circular' = 'valid', strides = window): Layer =>
    ({ kind: 'avgPool', window, strides, padding }),
  relu: () => act('Relu', { fn: 'abRelu', a: 0, b: 1 }),
  erf: () => act('Erf', { fn: 'erf', a: 1, b: 1, c: 0 }),
  fanOut: (count: number): Layer => ({ kind: 'fanOut', count }),
  parallel: (...branches: Layer[]): Layer => ({ kind: 'parallel', branches }),
  sum: (): Layer => ({ kind: 'fanInSum' }),
  concat: (): Layer => ({ kind: 'fanInConcat' }),
  identity: (): Layer => ({ kind: 'identity' }),
  flatten: (): Layer => ({ kind: 'flatten' }),
  gap: (): Layer => ({ kind: 'globalAvgPool' }),
  layerNorm: (): Layer => ({ kind: 'layerNorm' }),
};

export const net = (root: Layer, width = 512, parameterization: 'ntk' | 'standard' = 'ntk'): Architecture => ({ root, width, parameterization });
