// The architecture instantiated as a real tfjs network at a finite width (neural_tangents' `init_fn` /
// `apply_fn`), in the same parameterization as the analytic kernels, so that its empirical kernels converge
// to them as the width grows.
import * as tf from '@tensorflow/tfjs';
import { padBefore, type Activation, type Architecture, type Layer, type Padding } from './architecture.js';

/** One Dense or Conv layer's trainable parameters, in tree order. */
export interface AffineParams {
  w: tf.Variable;
  b: tf.Variable | null;
}

export interface FiniteNetwork {
  arch: Architecture;
  params: AffineParams[];
  /** Output units of the final Dense when the root ends with one; the width otherwise. */
  outputs: number;
  /** f(x): [N, outputs]. */
  apply(x: tf.Tensor): tf.Tensor2D;
  dispose(): void;
}

/** Does the root end with a Dense layer (whose output count is then `outputs` instead of the width)? */
function endsWithDense(root: Layer): boolean {
  if (root.kind === 'dense') return true;
  return root.kind === 'serial' && root.layers.length > 0 && endsWithDense(root.layers[root.layers.length - 1]);
}

function countAffine(layer: Layer): number {
  if (layer.kind === 'dense' || layer.kind === 'conv') return 1;
  if (layer.kind === 'serial') return layer.layers.reduce((s, l) => s + countAffine(l), 0);
  if (layer.kind === 'parallel') return layer.branches.reduce((s, l) => s + countAffine(l), 0);
  return 0;
}

/**
 * Sample a network: NTK parameterization draws W, b ~ N(0, 1) and scales by w_std/√fan_in and b_std in the
 * forward pass; standard draws W ~ N(0, w_std²/fan_in), b ~ N(0, b_std²) and applies them directly.
 * `inputShape` is one example's shape ([D] or [H, W, C]).
 */
export function sampleNetwork(arch: Architecture, inputShape: number[], seed: number, outputs = 1): FiniteNetwork {
  // The final Dense is the last affine layer built (layer objects may be shared, so go by position).
  const lastIndex = endsWithDense(arch.root) ? countAffine(arch.root) - 1 : -1;
  const params: AffineParams[] = [];
  let counter = seed * 7919;
  const normal = (shape: number[], std: number) => tf.variable(tf.randomNormal(shape, 0, std, 'float32', counter++));
  const ntkParam = arch.parameterization === 'ntk';
  // Build parameters by tracing shapes once, in the same traversal order apply() uses.
  const build = (layer: Layer, shape: number[] | number[][]): number[] | number[][] => {
    const one = shape as number[];
    switch (layer.kind) {
      case 'serial': return layer.layers.reduce((s, l) => build(l, s), shape);
      case 'parallel': return layer.branches.map((b, i) => build(b, (shape as number[][])[i]) as number[]);
      case 'fanOut': return Array.from({ length: layer.count }, () => one);
      case 'fanInSum': return (shape as number[][])[0];
      case 'fanInConcat': {
        const s = shape as number[][];
        return [...s[0].slice(0, -1), s.reduce((sum, x) => sum + x[x.length - 1], 0)];
      }
      case 'dense': {
        const fanIn = one[0], out = params.length === lastIndex ? outputs : arch.width;
        params.push({ w: normal([fanIn, out], ntkParam ? 1 : layer.wStd / Math.sqrt(fanIn)), b: layer.bStd > 0 ? normal([out], ntkParam ? 1 : layer.bStd) : null });
        return [out];
      }
      case 'conv': {
        const [kh, kw] = layer.window, fanIn = one[2] * kh * kw;
        params.push({
          w: normal([kh, kw, one[2], arch.width], ntkParam ? 1 : layer.wStd / Math.sqrt(fanIn)),
          b: layer.bStd > 0 ? normal([arch.width], ntkParam ? 1 : layer.bStd) : null,
        });
        return windowShape(one, layer.window, layer.strides, layer.padding, arch.width);
      }
      case 'avgPool': return windowShape(one, layer.window, layer.strides, layer.padding, one[2]);
      case 'globalAvgPool': return [one[2]];
      case 'flatten': return [one.reduce((a, b) => a * b, 1)];
      case 'identity':
      case 'layerNorm':
      case 'activation':
        return one;
    }
  };
  const outShape = build(arch.root, inputShape) as number[];
  const apply = (x: tf.Tensor) => tf.tidy(() => {
    let k = 0;
    const run = (layer: Layer, v: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] => {
      const t = v as tf.Tensor;
      switch (layer.kind) {
        case 'serial': return layer.layers.reduce((acc, l) => run(l, acc), v);
        case 'parallel': return layer.branches.map((b, i) => run(b, (v as tf.Tensor[])[i]) as tf.Tensor);
        case 'fanOut': return Array.from({ length: layer.count }, () => t);
        case 'fanInSum': return tf.addN(v as tf.Tensor[]);
        case 'fanInConcat': return tf.concat(v as tf.Tensor[], -1);
        case 'dense': {
          const p = params[k++], fanIn = t.shape[1]!;
          const z = tf.matMul(t as tf.Tensor2D, p.w as tf.Tensor2D);
          return affineOut(z, p, ntkParam, layer.wStd / Math.sqrt(fanIn), layer.bStd);
        }
        case 'conv': {
          const p = params[k++], fanIn = t.shape[3]! * layer.window[0] * layer.window[1];
          const input = layer.padding === 'circular' ? circularPad(t as tf.Tensor4D, layer.window, layer.strides) : (t as tf.Tensor4D);
          const pad = layer.padding === 'same' ? 'same' : 'valid';
          const z = tf.conv2d(input, p.w as tf.Tensor4D, layer.strides, pad);
          return affineOut(z, p, ntkParam, layer.wStd / Math.sqrt(fanIn), layer.bStd);
        }
        case 'avgPool': return avgPool(t as tf.Tensor4D, layer.window, layer.strides, layer.padding);
        case 'globalAvgPool': return tf.mean(t, [1, 2]);
        case 'flatten': return tf.reshape(t, [t.shape[0], -1]);
        case 'identity': return t;
        case 'layerNorm': {
          const { mean, variance } = tf.moments(t, -1, true);
          return tf.div(tf.sub(t, mean), tf.sqrt(tf.add(variance, 1e-12)));
        }
        case 'activation': return activationOp(t, layer.act);
      }
    };
    return run(arch.root, x) as tf.Tensor2D;
  });
  return {
    arch, params, outputs: outShape[0], apply,
    dispose: () => params.forEach((p) => { p.w.dispose(); p.b?.dispose(); }),
  };
}

function affineOut(z: tf.Tensor, p: AffineParams, ntkParam: boolean, wScale: number, bStd: number): tf.Tensor {
  if (ntkParam) {
    const scaled = tf.mul(z, wScale);
    return p.b ? tf.add(scaled, tf.mul(p.b, bStd)) : scaled;
  }
  return p.b ? tf.add(z, p.b) : z;
}

function windowShape(shape: number[], window: [number, number], strides: [number, number], padding: Padding, channels: number): number[] {
  const out = (size: number, k: number, s: number) => (padding === 'valid' ? Math.floor((size - k) / s) + 1 : Math.ceil(size / s));
  return [out(shape[0], window[0], strides[0]), out(shape[1], window[1], strides[1]), channels];
}

/** Periodic padding of H and W so that a VALID window gives CIRCULAR's ceil(size / stride) outputs. */
function circularPad(x: tf.Tensor4D, window: [number, number], strides: [number, number]): tf.Tensor4D {
  const wrap = (t: tf.Tensor4D, axis: 1 | 2, size: number, k: number, s: number): tf.Tensor4D => {
    const before = padBefore(size, k, s, 'circular');
    const total = Math.max((Math.ceil(size / s) - 1) * s + k - size, 0), after = total - before;
    const parts: tf.Tensor4D[] = [];
    if (before) parts.push(tf.slice(t, axis === 1 ? [0, size - before, 0, 0] : [0, 0, size - before, 0], axis === 1 ? [-1, before, -1, -1] : [-1, -1, before, -1]));
    parts.push(t);
    if (after) parts.push(tf.slice(t, [0, 0, 0, 0], axis === 1 ? [-1, after, -1, -1] : [-1, -1, after, -1]));
    return parts.length > 1 ? tf.concat(parts, axis) : t;
  };
  return wrap(wrap(x, 1, x.shape[1], window[0], strides[0]), 2, x.shape[2], window[1], strides[1]);
}

/** Average pooling whose SAME padding counts as zeros (neural_tangents' count_include_pad default). */
function avgPool(x: tf.Tensor4D, window: [number, number], strides: [number, number], padding: Padding): tf.Tensor4D {
  if (padding === 'circular') return tf.avgPool(circularPad(x, window, strides), window, strides, 'valid');
  if (padding === 'valid') return tf.avgPool(x, window, strides, 'valid');
  const pads = [x.shape[1], x.shape[2]].map((size, a) => {
    const before = padBefore(size, window[a], strides[a], 'same');
    const total = Math.max((Math.ceil(size / strides[a]) - 1) * strides[a] + window[a] - size, 0);
    return [before, total - before] as [number, number];
  });
  return tf.avgPool(tf.pad(x, [[0, 0], pads[0], pads[1], [0, 0]]), window, strides, 'valid');
}

export function activationOp(x: tf.Tensor, act: Activation): tf.Tensor {
  switch (act.fn) {
    case 'abRelu': return tf.add(tf.mul(tf.minimum(x, 0), act.a), tf.mul(tf.maximum(x, 0), act.b));
    case 'erf': return tf.add(tf.mul(tf.erf(tf.mul(x, act.b)), act.a), act.c);
    case 'gelu': return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
    case 'sin': return tf.mul(tf.sin(tf.add(tf.mul(x, act.b), act.c)), act.a);
    case 'gaussian': return tf.mul(tf.exp(tf.mul(tf.square(x), act.b)), act.a);
  }
}
