// The studies' models. Data parallelism (Shallue et al. 2018 use an MLP on MNIST and a simple CNN on
// Fashion-MNIST): `mlp` and `cnn`. Transfusion (Raghu et al. 2019, §3): CBR = conv-BN-ReLU-maxpool(3×3, /2)
// stacks; CBR-Tiny uses 5×5 kernels, CBR-Small 7×7, widths here scaled down for the CPU budget (the paper's
// are 64–512 channels on 224×224 images; ours 28×28); and a small ResNet in place of the paper's ResNet-50.
import { tf } from '../ml/backend.js';

export type SimpleModel = 'mlp' | 'cnn';

export function buildClassifier(kind: SimpleModel, classes: number, seed: number, hidden = 128): tf.LayersModel {
  const init = () => tf.initializers.heNormal({ seed: seed++ });
  const layers: tf.layers.Layer[] = kind === 'mlp'
    ? [tf.layers.flatten({ inputShape: [28, 28, 1] }), tf.layers.dense({ units: hidden, activation: 'relu', kernelInitializer: init() })]
    : [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 5, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init() }),
      tf.layers.conv2d({ filters: 32, kernelSize: 5, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init() }),
      tf.layers.flatten({}), tf.layers.dense({ units: hidden, activation: 'relu', kernelInitializer: init() }),
    ];
  return tf.sequential({ layers: [...layers, tf.layers.dense({ units: classes, kernelInitializer: init() })] });
}

export const CBR_MODELS = { 'cbr-tiny': { kernel: 5, widths: [16, 32, 64] }, 'cbr-small': { kernel: 7, widths: [16, 32, 64, 64] } } as const;
/** The small ResNet: a 5×5 conv-BN-ReLU stem (room for Gabor filters), then one basic residual block per width (He et al. 2016). */
export const RESNET_WIDTHS = [16, 32, 64] as const;
export const TRANSFUSION_MODELS = ['cbr-tiny', 'cbr-small', 'resnet'] as const;
export type TransfusionModel = (typeof TRANSFUSION_MODELS)[number];

const he = (seed: number) => tf.initializers.heNormal({ seed });
// BN moving averages with momentum 0.9 (PyTorch's default; Keras' 0.99 needs ~500 steps to forget its
// initial statistics, longer than our reduced runs, and evaluation uses the moving averages).
const batchNorm = (name: string) => tf.layers.batchNormalization({ name, momentum: 0.9 });
type Sym = tf.SymbolicTensor;

/** A CBR net; conv layers are named `conv1…`, BN `bn1…`, block outputs `block1…` (for SVCCA), the head `head`. */
function cbrBody(name: keyof typeof CBR_MODELS, input: Sym, seed: number): Sym {
  const { kernel, widths } = CBR_MODELS[name];
  let x = input;
  widths.forEach((filters, i) => {
    x = tf.layers.conv2d({ name: `conv${i + 1}`, filters, kernelSize: kernel, padding: 'same', useBias: false, kernelInitializer: he(seed + i) }).apply(x) as Sym;
    x = batchNorm(`bn${i + 1}`).apply(x) as Sym;
    x = tf.layers.reLU({}).apply(x) as Sym;
    x = tf.layers.maxPooling2d({ name: `block${i + 1}`, poolSize: 3, strides: 2, padding: 'same' }).apply(x) as Sym;
  });
  return x;
}

/**
 * ResNet body: stem `conv1`/`bn1` (5×5), then block i = conv3×3(stride s)-BN-ReLU-conv3×3-BN + shortcut (identity,
 * or a 1×1 stride-s conv + BN `proj{i}` when the shape changes), ReLU named `block{i}`; s = 2 after the first.
 */
function resnetBody(input: Sym, seed: number): Sym {
  const conv = (x: Sym, name: string, filters: number, kernelSize: number, strides: number) =>
    tf.layers.conv2d({ name, filters, kernelSize, strides, padding: 'same', useBias: false, kernelInitializer: he(seed++) }).apply(x) as Sym;
  const bn = (x: Sym, name: string) => batchNorm(name).apply(x) as Sym;
  let x = tf.layers.reLU({}).apply(bn(conv(input, 'conv1', RESNET_WIDTHS[0], 5, 1), 'bn1')) as Sym;
  let channels: number = RESNET_WIDTHS[0];
  RESNET_WIDTHS.forEach((filters, i) => {
    const b = i + 1, strides = i === 0 ? 1 : 2;
    let y = tf.layers.reLU({}).apply(bn(conv(x, `conv${b}a`, filters, 3, strides), `bn${b}a`)) as Sym;
    y = bn(conv(y, `conv${b}b`, filters, 3, 1), `bn${b}b`);
    const shortcut = strides === 1 && channels === filters ? x : bn(conv(x, `proj${b}`, filters, 1, strides), `proj${b}bn`);
    x = tf.layers.reLU({ name: `block${b}` }).apply(tf.layers.add({}).apply([y, shortcut]) as Sym) as Sym;
    channels = filters;
  });
  return x;
}

/** A Transfusion net on 28×28×1: the body, global average pooling, a dense head named `head`; the first conv
 * is `conv1` and the block outputs are `block1…` (for SVCCA). */
export function buildTransfusionNet(name: TransfusionModel, classes: number, seed: number): tf.LayersModel {
  const input = tf.input({ shape: [28, 28, 1] });
  const body = name === 'resnet' ? resnetBody(input, seed) : cbrBody(name, input, seed);
  const pooled = tf.layers.globalAveragePooling2d({}).apply(body) as Sym;
  const logits = tf.layers.dense({ name: 'head', units: classes, kernelInitializer: he(seed + 99) }).apply(pooled) as Sym;
  return tf.model({ inputs: input, outputs: logits, name });
}

export function blockCount(name: TransfusionModel): number {
  return name === 'resnet' ? RESNET_WIDTHS.length : CBR_MODELS[name].widths.length;
}

/** A model giving the block outputs of a CBR net, global-average-pooled to examples × channels. */
export function blockProbe(model: tf.LayersModel, depth: number): tf.LayersModel {
  const outputs = Array.from({ length: depth }, (_, i) => tf.layers.globalAveragePooling2d({}).apply(model.getLayer(`block${i + 1}`).output as tf.SymbolicTensor) as tf.SymbolicTensor);
  return tf.model({ inputs: model.inputs, outputs });
}

/** A batch of images as [n, 28, 28, 1] and integer labels; `indices` picks examples. */
export function batchTensors(set: { images: Float32Array; labels: Int32Array; height: number; width: number }, indices: ArrayLike<number>, classes: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const size = set.height * set.width;
  const x = new Float32Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    x.set(set.images.subarray(indices[i] * size, (indices[i] + 1) * size), i * size);
    labels[i] = set.labels[indices[i]];
  }
  return tf.tidy(() => ({ x: tf.tensor4d(x, [indices.length, set.height, set.width, 1]), y: tf.oneHot(tf.tensor1d(labels, 'int32'), classes).toFloat() as tf.Tensor2D }));
}

/** Logits of a whole set, in chunks. */
export function predictAll(model: tf.LayersModel, set: { images: Float32Array; labels: Int32Array; height: number; width: number }, chunk = 512): Float32Array {
  const n = set.labels.length, out: Float32Array[] = [];
  for (let s = 0; s < n; s += chunk) {
    const idx = Array.from({ length: Math.min(chunk, n - s) }, (_, i) => s + i);
    const { x, y } = batchTensors(set, idx, 2);
    const logits = model.predict(x) as tf.Tensor;
    out.push(logits.dataSync() as Float32Array);
    tf.dispose([x, y, logits]);
  }
  const all = new Float32Array(out.reduce((a, b) => a + b.length, 0));
  let o = 0;
  for (const b of out) all.set(b, o), (o += b.length);
  return all;
}

export function accuracy(logits: Float32Array, labels: Int32Array, classes: number): number {
  let right = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits[i * classes + c] > logits[i * classes + best]) best = c;
    if (best === labels[i]) right++;
  }
  return right / labels.length;
}
