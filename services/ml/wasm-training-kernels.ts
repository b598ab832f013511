// Kernels that make the tfjs wasm backend train: the ones it lacks (tfjs issue 8474: no
// Conv2DBackpropFilter; no depthwise backprops; no UnsortedSegmentSum, which is gather's gradient) and
// the ones it has but runs 10–100× slower than its forward convolution/matmul (Conv2DBackpropInput,
// BatchMatMul with a transposed operand). Each is expressed through wasm's own XNNPACK Conv2D / matmul
// where the algebra allows, and falls back to the `cpu` kernel (data copied across) where it does not.
// Checked against `cpu` by wasm-training-kernels.test.ts. Registered once, before the backend is used.
import * as tf from '@tensorflow/tfjs';
import type { KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';

/** What these kernels use of the wasm backend (it is not exported with types in Node). */
interface WasmBackend extends KernelBackend {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
  incRef(dataId: object): void;
  disposeData(dataId: object, force?: boolean): boolean;
}

type Inputs = Record<string, TensorInfo>;
type KernelArgs = { inputs: Inputs; backend: WasmBackend; attrs: NamedAttrMap };

type Conv2DAttrs = {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

/** The kernels this module registers on `wasm` (the tests check each one against `cpu`). */
export const WASM_TRAINING_KERNELS = [
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'BatchMatMul',
  'UnsortedSegmentSum',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
  'Sum',
  'Mean',
] as const;

let registered = false;

export function registerWasmTrainingKernels(): void {
  if (registered) return;
  registered = true;
  const wasmMatMul = tf.getKernel('BatchMatMul', 'wasm');
  const wasmBackpropInput = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (!wasmMatMul || !wasmBackpropInput) throw new Error('import @tensorflow/tfjs-backend-wasm before registering');
  const register = (kernelName: string, kernelFunc: (a: KernelArgs) => TensorInfo, setupFunc?: tf.KernelConfig['setupFunc']) => {
    if (tf.getKernel(kernelName, 'wasm')) tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc, setupFunc });
  };
  // Re-registering drops the wasm kernels' own setup (cwrap), so keep it for the ones we still call.
  register('BatchMatMul', batchMatMulTransposedFirst(wasmMatMul.kernelFunc), wasmMatMul.setupFunc);
  register('Conv2DBackpropInput', conv2DBackpropInput(wasmBackpropInput.kernelFunc), wasmBackpropInput.setupFunc);
  register('Conv2DBackpropFilter', conv2DBackpropFilter);
  for (const name of ['Sum', 'Mean'] as const) {
    const original = tf.getKernel(name, 'wasm')!;
    register(name, leadingAxesReduction(name, original.kernelFunc), original.setupFunc);
  }
  register('UnsortedSegmentSum', unsortedSegmentSum);
  register('DepthwiseConv2dNativeBackpropFilter', delegateToCpu('DepthwiseConv2dNativeBackpropFilter'));
  register('DepthwiseConv2dNativeBackpropInput', delegateToCpu('DepthwiseConv2dNativeBackpropInput'));
}

// ---- helpers: run a registered wasm kernel on TensorInfos, free intermediates ----

function run(backend: WasmBackend, kernelName: string, inputs: Inputs, attrs: NamedAttrMap = {}): TensorInfo {
  const kernel = tf.getKernel(kernelName, 'wasm');
  if (!kernel) throw new Error(`wasm kernel ${kernelName} missing`);
  return kernel.kernelFunc({ inputs, backend, attrs }) as TensorInfo;
}

function free(backend: WasmBackend, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

function transpose(backend: WasmBackend, x: TensorInfo, perm: number[]): TensorInfo {
  return run(backend, 'Transpose', { x }, { perm });
}

// ---- BatchMatMul: wasm's matmul is 10–25× slower with a transposed operand (NOTES-stack.md) ----

function batchMatMulTransposedFirst(wasmKernel: tf.KernelFunc) {
  return ({ inputs, backend, attrs }: KernelArgs) => {
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    let { a, b } = inputs;
    const owned: TensorInfo[] = [];
    // Materialise the transposes (O(n²) copies) so the O(n³) product runs on XNNPACK's fast path.
    const swapLast = (t: TensorInfo) => {
      const perm = t.shape.map((_, i) => i);
      [perm[perm.length - 2], perm[perm.length - 1]] = [perm[perm.length - 1], perm[perm.length - 2]];
      const out = transpose(backend, t, perm);
      owned.push(out);
      return out;
    };
    if (transposeA) a = swapLast(a);
    if (transposeB) b = swapLast(b);
    const out = wasmKernel({ inputs: { a, b }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
    free(backend, ...owned);
    return out as TensorInfo;
  };
}

// ---- Sum / Mean over leading axes (batch-norm statistics and gradients) in one pass over the heap ----

/**
 * wasm reduces over non-innermost axes by transposing first; reducing [N, C] over N is one sequential
 * pass instead (a ones-row matmul was slower: XNNPACK repacks the fresh [N, C] operand every call).
 * Accumulates in float64, so it is also more accurate than the float32 kernels.
 */
function leadingAxesReduction(name: 'Sum' | 'Mean', wasmKernel: tf.KernelFunc) {
  return ({ inputs, backend, attrs }: KernelArgs): TensorInfo => {
    const { x } = inputs;
    const { axis, keepDims } = attrs as { axis: number | number[]; keepDims: boolean };
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const leading = axes.length > 0 && axes.length < x.shape.length && axes.every((a, i) => a === i);
    if (!leading || x.dtype !== 'float32') return wasmKernel({ inputs, backend, attrs }) as TensorInfo;
    const kept = x.shape.slice(axes.length);
    const width = kept.reduce((p, d) => p * d, 1);
    const src = backend.typedArrayFromHeap(x) as Float32Array;
    const rows = src.length / width;
    const acc = sumRows(src, width);
    const out = backend.makeOutput(keepDims ? [...axes.map(() => 1), ...kept] : kept, 'float32');
    const dst = backend.typedArrayFromHeap(out);
    const scale = name === 'Mean' ? 1 / rows : 1;
    for (let c = 0; c < width; c++) dst[c] = acc[c]! * scale;
    return out;
  };
}

/** Column sums of a row-major [rows, width] matrix (kept monomorphic on Float32Array for the JIT). */
function sumRows(src: Float32Array, width: number): Float64Array {
  const acc = new Float64Array(width);
  for (let base = 0; base < src.length; base += width) {
    for (let c = 0; c < width; c++) acc[c]! += src[base + c]!;
  }
  return acc;
}

// ---- Conv2DBackpropFilter as a wasm Conv2D (batch and channels swap roles) ----

/**
 * dW[kh,kw,ci,co] = Σ_{b,oh,ow} x[b, oh·s + kh − pad, ow·s + kw − pad, ci] · dy[b,oh,ow,co]
 * is itself a convolution: input x' = xᵀ [CI, H, W, B] (B as channels), filter dy' = [OH, OW, B, CO],
 * stride 1, dilation s, padding (top, left) of the forward pass; output [CI, KH, KW, CO].
 */
function conv2DBackpropFilter({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { x, dy } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DAttrs & { filterShape: [number, number, number, number] };
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, tf.backend_util.convertConv2DDataFormat(dataFormat));
  if (info.dataFormat !== 'channelsLast' || (info.strideHeight > 1 && info.dilationHeight > 1)) {
    return delegateToCpu('Conv2DBackpropFilter')({ inputs, backend, attrs });
  }
  const { top, left } = info.padInfo;
  // Pad the far side so exactly KH×KW output positions exist (the forward pass may have ignored a tail).
  const bottom = Math.max(0, info.filterHeight - 1 + (info.outHeight - 1) * info.strideHeight - top - (info.inHeight - 1));
  const right = Math.max(0, info.filterWidth - 1 + (info.outWidth - 1) * info.strideWidth - left - (info.inWidth - 1));
  const xT = transpose(backend, x, [3, 1, 2, 0]);
  const dyT = transpose(backend, dy, [1, 2, 0, 3]);
  const conv = run(backend, 'Conv2D', { x: xT, filter: dyT }, {
    strides: [1, 1], dilations: [info.strideHeight, info.strideWidth], dataFormat: 'NHWC', dimRoundingMode: undefined,
    pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
  } as unknown as NamedAttrMap);
  const sliced = conv.shape[1] === info.filterHeight && conv.shape[2] === info.filterWidth ? conv
    : run(backend, 'Slice', { x: conv }, { begin: [0, 0, 0, 0], size: [-1, info.filterHeight, info.filterWidth, -1] });
  const dW = transpose(backend, sliced, [1, 2, 0, 3]);
  free(backend, xT, dyT, conv, ...(sliced === conv ? [] : [sliced]));
  return dW;
}

// ---- Conv2DBackpropInput as a wasm Conv2D of the (zero-dilated) dy with the flipped filter ----

/**
 * dx[b,h,w,ci] = Σ dy[b, (h + pad − kh)/s, (w + pad − kw)/s, co] · W[kh,kw,ci,co] (integer positions only):
 * insert s−1 zeros between dy's rows/columns, then a stride-1 convolution with W rotated 180° and its
 * channel axes swapped, padded by K−1−pad.
 */
function conv2DBackpropInput(wasmKernel: tf.KernelFunc) {
  return ({ inputs, backend, attrs }: KernelArgs): TensorInfo => {
    const { dy, filter } = inputs;
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Conv2DAttrs & { inputShape: [number, number, number, number] };
    const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false, tf.backend_util.convertConv2DDataFormat(dataFormat));
    const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
    const top = kh - 1 - info.padInfo.top;
    const left = kw - 1 - info.padInfo.left;
    const dilatedH = (info.outHeight - 1) * sh + 1;
    const dilatedW = (info.outWidth - 1) * sw + 1;
    const bottom = info.inHeight - dilatedH - top + kh - 1;
    const right = info.inWidth - dilatedW - left + kw - 1;
    if (info.dataFormat !== 'channelsLast' || Math.min(top, left, bottom, right) < 0) {
      return wasmKernel({ inputs, backend, attrs }) as TensorInfo;
    }
    const dyDilated = sh === 1 && sw === 1 ? dy : dilateSpatial(backend, dy, sh, sw, dilatedH, dilatedW);
    const flipped = run(backend, 'Reverse', { x: filter }, { dims: [0, 1] });
    const flippedT = transpose(backend, flipped, [0, 1, 3, 2]);
    const dx = run(backend, 'Conv2D', { x: dyDilated, filter: flippedT }, {
      strides: [1, 1], dilations: [1, 1], dataFormat: 'NHWC', dimRoundingMode: undefined,
      pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
    } as unknown as NamedAttrMap);
    free(backend, flipped, flippedT, ...(dyDilated === dy ? [] : [dyDilated]));
    return dx;
  };
}

/** [B,H,W,C] → [B,(H−1)·sh+1,(W−1)·sw+1,C] with sh−1 / sw−1 zero rows / columns between the originals. */
function dilateSpatial(backend: WasmBackend, t: TensorInfo, sh: number, sw: number, outH: number, outW: number): TensorInfo {
  const [b, h, w, c] = t.shape;
  const expanded = run(backend, 'Reshape', { x: t }, { shape: [b, h, 1, w, 1, c] });
  const padded = run(backend, 'PadV2', { x: expanded }, { paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 });
  const flat = run(backend, 'Reshape', { x: padded }, { shape: [b, h * sh, w * sw, c] });
  const out = run(backend, 'Slice', { x: flat }, { begin: [0, 0, 0, 0], size: [b, outH, outW, c] });
  free(backend, expanded, padded, flat);
  return out;
}

// ---- UnsortedSegmentSum (gather's gradient: embedding tables) directly on the wasm heap ----

function unsortedSegmentSum({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { x, segmentIds } = inputs;
  const { numSegments } = attrs as { numSegments: number };
  // Segment ids index x's leading dimensions (ids shape is a prefix of x's shape); the rest is summed rows.
  const inner = x.shape.slice(segmentIds.shape.length).reduce((p, d) => p * d, 1);
  const out = backend.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype);
  const dst = backend.typedArrayFromHeap(out);
  dst.fill(0);
  const src = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  for (let i = 0; i < ids.length; i++) {
    const seg = ids[i];
    if (seg < 0 || seg >= numSegments) continue; // TF drops out-of-range ids
    const from = i * inner;
    const to = seg * inner;
    for (let j = 0; j < inner; j++) dst[to + j] += src[from + j];
  }
  return out;
}

// ---- fallback: run the cpu kernel on copies (correct, not fast) ----

function delegateToCpu(kernelName: string) {
  return ({ inputs, backend, attrs }: KernelArgs): TensorInfo => {
    const cpu = tf.engine().findBackend('cpu');
    const kernel = tf.getKernel(kernelName, 'cpu');
    if (!cpu || !kernel) throw new Error(`no cpu kernel ${kernelName} to fall back to`);
    const cpuInputs: Inputs = {};
    for (const [name, t] of Object.entries(inputs)) {
      cpuInputs[name] = { dataId: cpu.write(backend.typedArrayFromHeap(t).slice(), t.shape, t.dtype), shape: t.shape, dtype: t.dtype };
    }
    const result = kernel.kernelFunc({ inputs: cpuInputs, backend: cpu, attrs }) as TensorInfo;
    const out = backend.makeOutput(result.shape, result.dtype);
    backend.typedArrayFromHeap(out).set(cpu.readSync(result.dataId) as Float32Array);
    for (const t of [...Object.values(cpuInputs), result]) cpu.disposeData(t.dataId);
    return out;
  };
}
