// The architecture as plain data, mirroring neural_tangents.stax (Novak et al. 2020, "Neural Tangents: Fast
// and Easy Infinite Neural Networks in Python"), and the shape walk that validates it before any kernel is
// computed: every problem is reported with the path of the layer at fault, e.g. `root.layers[3] (Dense)`.

export type Padding = 'valid' | 'same' | 'circular';
export type Parameterization = 'ntk' | 'standard';

/** Elementwise nonlinearities with closed-form dual kernels (see dual-activations.ts). */
export type Activation =
  | { fn: 'abRelu'; a: number; b: number } // a·min(x, 0) + b·max(x, 0): Relu (0, 1), LeakyRelu (α, 1), Abs (−1, 1)
  | { fn: 'erf'; a: number; b: number; c: number } // a·erf(b·x) + c; Sigmoid_like is (0.5, 1/2.4020563531719796, 0.5)
  | { fn: 'gelu' } // x·Φ(x)
  | { fn: 'sin'; a: number; b: number; c: number } // a·sin(b·x + c)
  | { fn: 'gaussian'; a: number; b: number }; // a·exp(b·x²)

export type Layer =
  | { kind: 'serial'; layers: Layer[] }
  | { kind: 'parallel'; branches: Layer[] }
  | { kind: 'fanOut'; count: number }
  | { kind: 'fanInSum' }
  | { kind: 'fanInConcat' }
  | { kind: 'dense'; wStd: number; bStd: number }
  | { kind: 'conv'; window: [number, number]; strides: [number, number]; padding: Padding; wStd: number; bStd: number }
  | { kind: 'avgPool'; window: [number, number]; strides: [number, number]; padding: Padding }
  | { kind: 'globalAvgPool' }
  | { kind: 'flatten' }
  | { kind: 'identity' }
  | { kind: 'layerNorm' }
  | { kind: 'activation'; name: string; act: Activation };

export interface Architecture {
  root: Layer;
  parameterization: Parameterization;
  /** Hidden channels of every Dense/Conv in finite networks and in the standard parameterization's NTK. */
  width: number;
}

export const DEFAULT_WIDTH = 512;

/** Activation shape of one input: a vector of `channels` features or an H×W image with `channels` channels. */
export type Shape = { h: number; w: number; channels: number; image: boolean };

/** What flows between layers: one activation, or the branches of a fan (after FanOut / Parallel). */
export type Flow = { shape: Shape; gaussian: boolean } | { fan: { shape: Shape; gaussian: boolean }[] };

/** An invalid architecture or input: `field` is the path of the offending layer or request field. */
export class ArchitectureError extends Error {
  constructor(readonly field: string, readonly reason: string) {
    super(`${field}: ${reason}`);
  }
}

export const relu = (): Layer => ({ kind: 'activation', name: 'Relu', act: { fn: 'abRelu', a: 0, b: 1 } });
export const dense = (wStd = 1, bStd = 0): Layer => ({ kind: 'dense', wStd, bStd });
export const serial = (...layers: Layer[]): Layer => ({ kind: 'serial', layers });

export function layerName(layer: Layer): string {
  switch (layer.kind) {
    case 'activation': return layer.name;
    case 'fanOut': return 'FanOut';
    case 'fanInSum': return 'FanInSum';
    case 'fanInConcat': return 'FanInConcat';
    case 'avgPool': return 'AvgPool';
    case 'globalAvgPool': return 'GlobalAvgPool';
    case 'layerNorm': return 'LayerNorm';
    default: return layer.kind[0].toUpperCase() + layer.kind.slice(1);
  }
}

/** Output positions of a window sliding over `size` positions (the conventions of jax.lax / neural_tangents). */
export function outputSize(size: number, window: number, stride: number, padding: Padding): number {
  return padding === 'valid' ? Math.floor((size - window) / stride) + 1 : Math.ceil(size / stride);
}

/** Leading zero padding for SAME / CIRCULAR windows (TensorFlow/XLA: the extra one goes after). */
export function padBefore(size: number, window: number, stride: number, padding: Padding): number {
  if (padding === 'valid') return 0;
  const out = Math.ceil(size / stride);
  return Math.floor(Math.max((out - 1) * stride + window - size, 0) / 2);
}

/**
 * Walk the architecture over an input shape, checking every combination, and return the output flow.
 * Rules follow neural_tangents: a nonlinearity needs Gaussian (affine) input; LayerNorm too; Dense needs
 * vectors (this service requires Flatten or GlobalAvgPool between Conv and Dense rather than applying Dense
 * per position); Conv/pooling need images; fans must be consumed by FanInSum/FanInConcat.
 */
export function inferFlow(arch: Architecture, input: Shape, visit?: (layer: Layer, path: string, flow: Flow) => void): Flow {
  if (!(arch.width >= 1)) throw new ArchitectureError('architecture.width', 'must be at least 1');
  const walk = (layer: Layer, path: string, flow: Flow): Flow => {
    const out = step(layer, path, flow, walk, arch.width);
    visit?.(layer, path, out);
    return out;
  };
  const out = walk(arch.root, 'architecture.root', { shape: input, gaussian: false });
  if ('fan' in out) throw new ArchitectureError('architecture.root', `ends with ${out.fan.length} unmerged branches; add FanInSum or FanInConcat`);
  if (out.shape.image) throw new ArchitectureError('architecture.root', 'ends with images; add Flatten or GlobalAvgPool so the outputs are vectors');
  return out;
}

type Walk = (layer: Layer, path: string, flow: Flow) => Flow;

function step(layer: Layer, path: string, flow: Flow, walk: Walk, width: number): Flow {
  const where = `${path} (${layerName(layer)})`;
  const fail = (reason: string): never => { throw new ArchitectureError(where, reason); };
  if (layer.kind === 'serial') {
    if (layer.layers.length === 0) fail('has no layers');
    return layer.layers.reduce((f, l, i) => walk(l, `${path}.layers[${i}]`, f), flow);
  }
  if (layer.kind === 'parallel') {
    if (!('fan' in flow)) return fail('needs a fan of branches as input (put FanOut before it)');
    if (flow.fan.length !== layer.branches.length) fail(`has ${layer.branches.length} branches but its input fan has ${flow.fan.length}`);
    return {
      fan: layer.branches.map((b, i) => {
        const out = walk(b, `${path}.branches[${i}]`, flow.fan[i]);
        if ('fan' in out) return fail(`branch ${i} ends with an unmerged fan`);
        return out;
      }),
    };
  }
  if (layer.kind === 'fanInSum' || layer.kind === 'fanInConcat') {
    if (!('fan' in flow)) return fail('needs a fan of branches as input');
    const [first, ...rest] = flow.fan;
    for (const [i, b] of rest.entries()) {
      const same = b.shape.image === first.shape.image && b.shape.h === first.shape.h && b.shape.w === first.shape.w;
      if (!same || (layer.kind === 'fanInSum' && b.shape.channels !== first.shape.channels)) {
        fail(`branch ${i + 1} has shape ${describe(b.shape)} but branch 0 has ${describe(first.shape)}`);
      }
    }
    const channels = layer.kind === 'fanInSum' ? first.shape.channels : flow.fan.reduce((s, b) => s + b.shape.channels, 0);
    return { shape: { ...first.shape, channels }, gaussian: flow.fan.every((b) => b.gaussian) };
  }
  if ('fan' in flow) return fail(`gets ${flow.fan.length} branches; only Parallel, FanInSum and FanInConcat take a fan`);
  const { shape, gaussian } = flow;
  switch (layer.kind) {
    case 'fanOut':
      if (!(layer.count >= 2)) fail('count must be at least 2');
      return { fan: Array.from({ length: layer.count }, () => flow) };
    case 'identity':
      return flow;
    case 'dense':
      checkStd(layer, fail);
      if (shape.image) fail(`input is an image ${describe(shape)}; add Flatten or GlobalAvgPool before Dense`);
      return { shape: { ...shape, channels: width }, gaussian: true };
    case 'conv': {
      checkStd(layer, fail);
      if (!shape.image) fail(`input is a vector ${describe(shape)}; Conv needs NHWC images`);
      return { shape: windowed(shape, layer.window, layer.strides, layer.padding, fail, width), gaussian: true };
    }
    case 'avgPool':
      if (!shape.image) fail(`input is a vector ${describe(shape)}; AvgPool needs images`);
      return { shape: windowed(shape, layer.window, layer.strides, layer.padding, fail, shape.channels), gaussian };
    case 'globalAvgPool':
      if (!shape.image) fail(`input is a vector ${describe(shape)}; GlobalAvgPool needs images`);
      return { shape: { h: 1, w: 1, channels: shape.channels, image: false }, gaussian };
    case 'flatten':
      return { shape: { h: 1, w: 1, channels: shape.h * shape.w * shape.channels, image: false }, gaussian };
    case 'layerNorm':
      if (!gaussian) fail('needs Gaussian (zero-mean) input: put a Dense or Conv right before it');
      return flow;
    case 'activation':
      if (!gaussian) fail('a nonlinearity needs Gaussian input: put a Dense or Conv (an affine layer) before it');
      if (layer.act.fn === 'gaussian' && !(layer.act.b < 0)) fail('b must be negative (a·exp(b·x²) has infinite moments otherwise)');
      return { shape, gaussian: false };
  }
}

function checkStd(layer: { wStd: number; bStd: number }, fail: (r: string) => never): void {
  if (!(layer.wStd > 0) || !Number.isFinite(layer.wStd)) fail('w_std must be a positive number');
  if (!(layer.bStd >= 0) || !Number.isFinite(layer.bStd)) fail('b_std must be a non-negative number');
}

function windowed(
  shape: Shape, window: [number, number], strides: [number, number], padding: Padding, fail: (r: string) => never, channels: number,
): Shape {
  if (window.length !== 2 || !window.every((k) => Number.isInteger(k) && k >= 1)) fail('window must be two positive integers');
  if (strides.length !== 2 || !strides.every((s) => Number.isInteger(s) && s >= 1)) fail('strides must be two positive integers');
  const h = outputSize(shape.h, window[0], strides[0], padding);
  const w = outputSize(shape.w, window[1], strides[1], padding);
  if (h < 1 || w < 1) fail(`window ${window.join('x')} does not fit the ${shape.h}x${shape.w} input with ${padding.toUpperCase()} padding`);
  return { h, w, channels, image: true };
}

export function describe(shape: Shape): string {
  return shape.image ? `[${shape.h}, ${shape.w}, ${shape.channels}]` : `[${shape.channels}]`;
}

/** Whether any layer needs covariances between different spatial positions (AvgPool, GlobalAvgPool). */
export function needsFullSpatial(layer: Layer): boolean {
  switch (layer.kind) {
    case 'avgPool':
    case 'globalAvgPool':
      return true;
    case 'serial':
      return layer.layers.some(needsFullSpatial);
    case 'parallel':
      return layer.branches.some(needsFullSpatial);
    default:
      return false;
  }
}
