// Request messages → plain domain values (and back) for the ntk handlers. Problems become ArchitectureError
// with the request field at fault; service.ts turns them into INVALID_ARGUMENT.
import { create } from '@bufbuild/protobuf';
import { ElementType, TensorSchema, type Tensor } from '../../gen/nnsuite/common/v1/tensor_pb.js';
import {
  KernelKind, Padding as PaddingEnum, Parameterization as ParamEnum, type Architecture as ArchitectureMessage, type Layer as LayerMessage,
} from '../../gen/nnsuite/ntk/v1/ntk_pb.js';
import { ArchitectureError, DEFAULT_WIDTH, type Architecture, type Layer, type Padding } from './architecture.js';
import type { KernelKinds } from './analytic-kernel.js';
import type { Inputs } from './kernel-block.js';

export function architectureFromMessage(m: ArchitectureMessage | undefined, field = 'architecture'): Architecture {
  if (!m?.root) throw new ArchitectureError(`${field}.root`, 'is required');
  if (m.width > 1 << 16) throw new ArchitectureError(`${field}.width`, 'must be at most 65536');
  return {
    root: layerFromMessage(m.root, `${field}.root`),
    parameterization: m.parameterization === ParamEnum.STANDARD ? 'standard' : 'ntk',
    width: m.width || DEFAULT_WIDTH,
  };
}

function layerFromMessage(m: LayerMessage, path: string): Layer {
  const k = m.kind;
  const opt = (v: number | undefined, fallback: number) => (v === undefined ? fallback : v);
  const pair = (v: number[], fallback: [number, number] | null, what: string): [number, number] => {
    if (v.length === 0 && fallback) return fallback;
    if (v.length !== 2) throw new ArchitectureError(`${path}.${what}`, `needs 2 values (height, width), got ${v.length}`);
    return [v[0], v[1]];
  };
  const act = (name: string, a: Extract<Layer, { kind: 'activation' }>['act']): Layer => ({ kind: 'activation', name, act: a });
  switch (k.case) {
    case 'serial': return { kind: 'serial', layers: k.value.layers.map((l, i) => layerFromMessage(l, `${path}.layers[${i}]`)) };
    case 'parallel': return { kind: 'parallel', branches: k.value.branches.map((l, i) => layerFromMessage(l, `${path}.branches[${i}]`)) };
    case 'fanOut': return { kind: 'fanOut', count: k.value.count };
    case 'fanInSum': return { kind: 'fanInSum' };
    case 'fanInConcat': return { kind: 'fanInConcat' };
    case 'dense': return { kind: 'dense', wStd: opt(k.value.wStd, 1), bStd: opt(k.value.bStd, 0) };
    case 'conv': {
      const window = pair(k.value.window, null, 'conv.window');
      return { kind: 'conv', window, strides: pair(k.value.strides, [1, 1], 'conv.strides'), padding: padding(k.value.padding), wStd: opt(k.value.wStd, 1), bStd: opt(k.value.bStd, 0) };
    }
    case 'avgPool': {
      const window = pair(k.value.window, null, 'avg_pool.window');
      return { kind: 'avgPool', window, strides: pair(k.value.strides, window, 'avg_pool.strides'), padding: padding(k.value.padding) };
    }
    case 'globalAvgPool': return { kind: 'globalAvgPool' };
    case 'flatten': return { kind: 'flatten' };
    case 'identity': return { kind: 'identity' };
    case 'layerNorm': return { kind: 'layerNorm' };
    case 'relu': return act('Relu', { fn: 'abRelu', a: 0, b: 1 });
    case 'leakyRelu': return act('LeakyRelu', { fn: 'abRelu', a: k.value.alpha, b: 1 });
    case 'abs': return act('Abs', { fn: 'abRelu', a: -1, b: 1 });
    case 'erf': return act('Erf', { fn: 'erf', a: opt(k.value.a, 1), b: opt(k.value.b, 1), c: opt(k.value.c, 0) });
    case 'gelu': return act('Gelu', { fn: 'gelu' });
    case 'sin': return act('Sin', { fn: 'sin', a: opt(k.value.a, 1), b: opt(k.value.b, 1), c: opt(k.value.c, 0) });
    case 'sigmoidLike': return act('Sigmoid_like', { fn: 'erf', a: 0.5, b: 1 / 2.4020563531719796, c: 0.5 });
    case 'gaussian': return act('Gaussian', { fn: 'gaussian', a: opt(k.value.a, 1), b: opt(k.value.b, -1) });
    case undefined: throw new ArchitectureError(path, 'layer kind is not set');
  }
}

function padding(p: PaddingEnum): Padding {
  return p === PaddingEnum.SAME ? 'same' : p === PaddingEnum.CIRCULAR ? 'circular' : 'valid';
}

export function kindsFromMessage(kinds: KernelKind[]): KernelKinds {
  if (kinds.length === 0) return { nngp: true, ntk: true };
  const out = { nngp: kinds.includes(KernelKind.NNGP), ntk: kinds.includes(KernelKind.NTK) };
  if (!out.nngp && !out.ntk) throw new ArchitectureError('kinds', 'must include KERNEL_KIND_NNGP or KERNEL_KIND_NTK (or be empty for both)');
  return out;
}

/** A Tensor's elements as float64 with its shape; `field` names it in errors. */
export function decodeTensor(t: Tensor | undefined, field: string): { shape: number[]; data: Float64Array } {
  if (!t) throw new ArchitectureError(field, 'is required');
  const shape = t.shape.map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new ArchitectureError(`${field}.shape`, 'dimensions must be non-negative integers');
  const size = shape.reduce((a, b) => a * b, 1);
  let data: Float64Array;
  if (t.content.case === 'values') {
    data = Float64Array.from(t.content.value.values);
  } else if (t.content.case === 'data') {
    const { elementType, data: bytes } = t.content.value;
    const width = elementType === ElementType.FLOAT64 ? 8 : elementType === ElementType.FLOAT32 ? 4 : 0;
    if (!width) throw new ArchitectureError(`${field}.data.element_type`, 'must be FLOAT32 or FLOAT64');
    if (bytes.length !== size * width) throw new ArchitectureError(`${field}.data`, `has ${bytes.length} bytes, shape ${JSON.stringify(shape)} needs ${size * width}`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    data = Float64Array.from({ length: size }, (_, i) => (width === 8 ? view.getFloat64(i * 8, true) : view.getFloat32(i * 4, true)));
  } else {
    throw new ArchitectureError(field, 'has no values');
  }
  if (data.length !== size) throw new ArchitectureError(`${field}.values`, `has ${data.length} values, shape ${JSON.stringify(shape)} needs ${size}`);
  if (!data.every(Number.isFinite)) throw new ArchitectureError(field, 'contains NaN or infinite values');
  return { shape, data };
}

/** Network inputs: [N, D] vectors or [N, H, W, C] NHWC images. */
export function inputsFromTensor(t: Tensor | undefined, field: string): Inputs {
  const { shape, data } = decodeTensor(t, field);
  if (shape.length !== 2 && shape.length !== 4) throw new ArchitectureError(`${field}.shape`, `must be [N, D] vectors or [N, H, W, C] images, got ${JSON.stringify(shape)}`);
  if (shape[0] < 1 || shape.slice(1).some((d) => d < 1)) throw new ArchitectureError(`${field}.shape`, `needs at least one input and non-empty dimensions, got ${JSON.stringify(shape)}`);
  const image = shape.length === 4;
  return { n: shape[0], image, h: image ? shape[1] : 1, w: image ? shape[2] : 1, channels: shape[shape.length - 1], data };
}

/** float64 little-endian tensor. */
export function float64Tensor(shape: number[], values: Float64Array): Tensor {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setFloat64(i * 8, v, true));
  return create(TensorSchema, { shape: shape.map(BigInt), content: { case: 'data', value: { elementType: ElementType.FLOAT64, data: bytes } } });
}
