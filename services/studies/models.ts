// The studies' models. Data parallelism (Shallue et al. 2018 use an MLP on MNIST and a simple CNN on
// Fashion-MNIST): `mlp` and `cnn`. Transfusion (Raghu et al. 2019, §3): CBR = conv-BN-ReLU-maxpool(3×3, /2)
// stacks; CBR-Tiny uses 5×5 kernels, CBR-Small 7×7, widths here scaled down for the CPU budget (the paper's
// are 64–512 channels on 224×224 images; ours 28×28).
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
export type CbrName = keyof typeof CBR_MODELS;

/** A CBR net; conv layers are named `conv1…`, BN `bn1…`, block outputs `block1…` (for SVCCA), the head `head`. */
export function buildCbr(name: CbrName, classes: number, seed: number): tf.LayersModel {
  const { kernel, widths } = CBR_MODELS[name];
  const input = tf.input({ shape: [28, 28, 1] });
  let x: tf.SymbolicTensor = input;
  widths.forEach((filters, i) => {
    x = tf.layers.conv2d({ name: `conv${i + 1}`, filters, kernelSize: kernel, padding: 'same', useBias: false, kernelInitializer: tf.initializers.heNormal({ seed: seed + i }) }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization({ name: `bn${i + 1}` }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.reLU({}).apply(x) as tf.SymbolicTensor;
    x = tf.layers.maxPooling2d({ name: `block${i + 1}`, poolSize: 3, strides: 2, padding: 'same' }).apply(x) as tf.SymbolicTensor;
  });
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ name: 'head', units: classes, kernelInitializer: tf.initializers.heNormal({ seed: seed + 99 }) }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name });
}

export function cbrDepth(name: CbrName): number {
  return CBR_MODELS[name].widths.length;
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
