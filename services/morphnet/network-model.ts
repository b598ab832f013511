// A trainable tfjs model of a network graph: one variable set per layer, a forward pass over the layers
// in order. Written on tf ops rather than tf.layers so the regularizer can reach every BN scale and
// kernel directly and shrunk/expanded structures are just new graphs.
import type * as tfTypes from '@tensorflow/tfjs';
import { tf } from '../ml/backend.js';
import { INPUT, type Activation, type Graph, type LayerSpec } from './network.js';

type Tensor = tfTypes.Tensor;
type Variable = tfTypes.Variable;

export interface LayerVars {
  kernel?: Variable;
  bias?: Variable;
  gamma?: Variable;
  beta?: Variable;
  movingMean?: Variable;
  movingVar?: Variable;
}

export interface NetworkModel {
  graph: Graph;
  vars: Map<string, LayerVars>;
  /** Trainable variables (kernels, biases, BN scales and offsets). */
  trainable: Variable[];
  /** Logits [batch, classes] of images [batch, h, w, c]; in training mode BN uses batch statistics. */
  forward(x: Tensor, training: boolean): { logits: Tensor; batchStats: BatchStats[] };
  /** Fold one step's batch statistics into the BN moving averages. */
  updateMovingStats(stats: BatchStats[]): void;
  dispose(): void;
}

export interface BatchStats { layer: string; mean: Tensor; variance: Tensor }

const BN_EPSILON = 1e-3;
const BN_MOMENTUM = 0.9;

export function createModel(graph: Graph, seed: number): NetworkModel {
  const vars = new Map<string, LayerVars>();
  let nextSeed = seed;
  for (const layer of graph.net.layers) {
    const inShape = graph.shapes.get(layer.inputs[0])!;
    const out = graph.shapes.get(layer.name)!.channels;
    const v: LayerVars = {};
    if (layer.kind === 'conv' || layer.kind === 'dense') {
      const shape = layer.kind === 'conv'
        ? [layer.kernelSize, layer.kernelSize, inShape.channels, out]
        : [(inShape.spatial ? inShape.spatial[0] * inShape.spatial[1] : 1) * inShape.channels, out];
      const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
      // He initialization for ReLU networks.
      v.kernel = tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', nextSeed++), true);
      v.bias = tf.variable(tf.zeros([out]), true);
    } else if (layer.kind === 'batch_norm') {
      v.gamma = tf.variable(tf.ones([out]), true);
      v.beta = tf.variable(tf.zeros([out]), true);
      v.movingMean = tf.variable(tf.zeros([out]), false);
      v.movingVar = tf.variable(tf.ones([out]), false);
    }
    vars.set(layer.name, v);
  }
  const trainable = [...vars.values()].flatMap((v) => [v.kernel, v.bias, v.gamma, v.beta].filter((t): t is Variable => t !== undefined));

  function forward(x: Tensor, training: boolean): { logits: Tensor; batchStats: BatchStats[] } {
    const outputs = new Map<string, Tensor>([[INPUT, x]]);
    const batchStats: BatchStats[] = [];
    for (const layer of graph.net.layers) {
      const ins = layer.inputs.map((n) => outputs.get(n)!);
      outputs.set(layer.name, applyLayer(layer, ins, vars.get(layer.name)!, training, batchStats));
    }
    const out = outputs.get(graph.output.name)!;
    return { logits: out.reshape([out.shape[0], -1]), batchStats };
  }

  function updateMovingStats(stats: BatchStats[]): void {
    tf.tidy(() => {
      for (const { layer, mean, variance } of stats) {
        const v = vars.get(layer)!;
        v.movingMean!.assign(v.movingMean!.mul(BN_MOMENTUM).add(mean.mul(1 - BN_MOMENTUM)));
        v.movingVar!.assign(v.movingVar!.mul(BN_MOMENTUM).add(variance.mul(1 - BN_MOMENTUM)));
      }
    });
  }

  return {
    graph,
    vars,
    trainable,
    forward,
    updateMovingStats,
    dispose: () => { for (const v of vars.values()) for (const t of Object.values(v)) (t as Variable).dispose(); },
  };
}

/** One layer's forward op; also used alone to time layers for the latency cost. */
export function applyLayer(layer: LayerSpec, ins: Tensor[], v: LayerVars, training: boolean, batchStats: BatchStats[] = []): Tensor {
  const x = ins[0];
  switch (layer.kind) {
    case 'conv':
      return activate(tf.add(tf.conv2d(x as tfTypes.Tensor4D, v.kernel as tfTypes.Tensor4D, layer.stride, layer.padding), v.bias!), layer.activation);
    case 'dense':
      return activate(tf.add(tf.matMul(x.reshape([x.shape[0], -1]), v.kernel as tfTypes.Tensor2D), v.bias!), layer.activation);
    case 'batch_norm': {
      const axes = x.shape.slice(0, -1).map((_, i) => i);
      let mean: Tensor = v.movingMean!;
      let variance: Tensor = v.movingVar!;
      if (training) {
        ({ mean, variance } = tf.moments(x, axes));
        batchStats.push({ layer: layer.name, mean, variance });
      }
      const normalized = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, BN_EPSILON)));
      return activate(tf.add(tf.mul(normalized, v.gamma!), v.beta!), layer.activation);
    }
    case 'pool': {
      if (layer.pool === 'global_average') return tf.mean(x, [1, 2], true);
      const op = layer.pool === 'max' ? tf.maxPool : tf.avgPool;
      return op(x as tfTypes.Tensor4D, layer.size, layer.stride, layer.padding);
    }
    case 'add':
      return activate(tf.addN(ins), layer.activation);
    case 'concat':
      return tf.concat(ins, -1);
  }
}

function activate(x: Tensor, activation: Activation): Tensor {
  return activation === 'relu' ? tf.relu(x) : x;
}
