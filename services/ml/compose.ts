// The model idiom (ARCHITECTURE.md "Define a model"): small blocks composed the way stax composes
// `serial(...)`. A Block maps a symbolic tensor to a symbolic tensor; tf.layers layers are blocks too.
// `buildModel` closes a composition over an input into a tf.LayersModel, which brings fit/predict and
// save/load through checkpoint.ts. A service's model is `build<Name>(config: <Name>Config)` using these.
import * as tf from '@tensorflow/tfjs';

export type Block = (x: tf.SymbolicTensor) => tf.SymbolicTensor;
export type BlockLike = Block | tf.layers.Layer;

function asBlock(b: BlockLike): Block {
  return b instanceof tf.layers.Layer ? (x) => b.apply(x) as tf.SymbolicTensor : b;
}

/** f_n ∘ … ∘ f_1. */
export function serial(...blocks: BlockLike[]): Block {
  const fs = blocks.map(asBlock);
  return (x) => fs.reduce((h, f) => f(h), x);
}

/** x + body(x) (He et al. 2016); `shortcut` projects x when the shapes differ. */
export function residual(body: BlockLike, shortcut?: BlockLike): Block {
  const f = asBlock(body);
  const s = shortcut ? asBlock(shortcut) : (x: tf.SymbolicTensor) => x;
  return (x) => tf.layers.add().apply([f(x), s(x)]) as tf.SymbolicTensor;
}

/** Run branches on the same input and concatenate along the last axis (stax FanOut → FanInConcat). */
export function concat(...branches: BlockLike[]): Block {
  const fs = branches.map(asBlock);
  return (x) => tf.layers.concatenate().apply(fs.map((f) => f(x))) as tf.SymbolicTensor;
}

/** conv → batch norm → ReLU, the CBR unit (bias is redundant before batch norm). */
export function convBnRelu(filters: number, kernelSize = 3, strides = 1): Block {
  return serial(
    tf.layers.conv2d({ filters, kernelSize, strides, padding: 'same', useBias: false }),
    tf.layers.batchNormalization(),
    tf.layers.reLU(),
  );
}

export interface ModelInput {
  /** Shape without the batch axis. */
  shape: number[];
  dtype?: 'float32' | 'int32';
  name?: string;
}

/** Close a block over an input into a LayersModel. */
export function buildModel(input: ModelInput, body: BlockLike, name?: string): tf.LayersModel {
  const x = tf.input({ shape: input.shape, dtype: input.dtype, name: input.name });
  return tf.model({ inputs: x, outputs: asBlock(body)(x), name });
}
