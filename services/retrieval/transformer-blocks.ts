// Pre-LN Transformer blocks (Vaswani et al. 2017; pre-norm per Xiong et al. 2020, stabler for tiny models
// trained briefly) as plain functions over a parameter map, for the query generator.
import { tf } from '../ml/backend.js';

export type Params = Map<string, tf.Variable>;

export interface BlockConfig {
  dModel: number;
  heads: number;
  ffn: number;
}

/** Create the variables a block needs under `prefix` (Glorot-uniform weights, zero biases, unit LN gains). */
export function initAttention(params: Params, prefix: string, d: number): void {
  for (const w of ['q', 'k', 'v', 'o']) addWeight(params, `${prefix}.${w}`, [d, d]);
  addNorm(params, `${prefix}.ln`, d);
}

export function initFeedForward(params: Params, prefix: string, d: number, ffn: number): void {
  addWeight(params, `${prefix}.w1`, [d, ffn]);
  params.set(`${prefix}.b1`, tf.variable(tf.zeros([ffn]), true));
  addWeight(params, `${prefix}.w2`, [ffn, d]);
  params.set(`${prefix}.b2`, tf.variable(tf.zeros([d]), true));
  addNorm(params, `${prefix}.ln`, d);
}

export function addWeight(params: Params, name: string, shape: number[]): void {
  const limit = Math.sqrt(6 / (shape[0]! + shape[shape.length - 1]!));
  params.set(name, tf.variable(tf.randomUniform(shape, -limit, limit, 'float32', hashSeed(name)), true));
}

export function addNorm(params: Params, name: string, d: number): void {
  params.set(`${name}.g`, tf.variable(tf.ones([d]), true));
  params.set(`${name}.b`, tf.variable(tf.zeros([d]), true));
}

export function layerNorm(params: Params, name: string, x: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return x.sub(mean).div(variance.add(1e-5).sqrt()).mul(params.get(`${name}.g`)!).add(params.get(`${name}.b`)!);
}

/** x [B, L, d] · W [d, e] → [B, L, e]. */
export function dense(x: tf.Tensor, w: tf.Tensor, bias?: tf.Tensor): tf.Tensor {
  const [b, l, d] = x.shape as [number, number, number];
  const y = tf.matMul(x.reshape([b * l, d]), w as tf.Tensor2D);
  return (bias ? y.add(bias) : y).reshape([b, l, w.shape[1]!]);
}

/**
 * Residual multi-head attention: x + MHA(LN(x), memory). `bias` [B or 1, 1, Lq or 1, Lk] is added to the
 * attention logits (−1e9 where attending is not allowed: padding, future positions).
 */
export function attentionBlock(params: Params, prefix: string, cfg: BlockConfig, x: tf.Tensor, memory: tf.Tensor | undefined, bias: tf.Tensor): tf.Tensor {
  const h = layerNorm(params, `${prefix}.ln`, x);
  const source = memory ?? h;
  const [b, lq] = h.shape as [number, number, number];
  const lk = source.shape[1]!;
  const dh = cfg.dModel / cfg.heads;
  const split = (t: tf.Tensor, l: number): tf.Tensor => t.reshape([b, l, cfg.heads, dh]).transpose([0, 2, 1, 3]);
  const q = split(dense(h, params.get(`${prefix}.q`)!), lq);
  const k = split(dense(source, params.get(`${prefix}.k`)!), lk);
  const v = split(dense(source, params.get(`${prefix}.v`)!), lk);
  const logits = tf.matMul(q, k, false, true).div(Math.sqrt(dh)).add(bias);
  const attended = tf.matMul(tf.softmax(logits), v).transpose([0, 2, 1, 3]).reshape([b, lq, cfg.dModel]);
  return x.add(dense(attended, params.get(`${prefix}.o`)!));
}

/** Residual position-wise feed-forward: x + W2·relu(W1·LN(x)). */
export function feedForwardBlock(params: Params, prefix: string, x: tf.Tensor): tf.Tensor {
  const h = layerNorm(params, `${prefix}.ln`, x);
  const inner = dense(h, params.get(`${prefix}.w1`)!, params.get(`${prefix}.b1`)!).relu();
  return x.add(dense(inner, params.get(`${prefix}.w2`)!, params.get(`${prefix}.b2`)!));
}

/** Attention bias hiding padding keys: [B, 1, 1, L]. */
export function paddingBias(mask: tf.Tensor2D): tf.Tensor {
  const [b, l] = mask.shape;
  return tf.scalar(1).sub(mask).mul(-1e9).reshape([b, 1, 1, l]);
}

/** Attention bias hiding future positions: [1, 1, L, L]. */
export function causalBias(l: number): tf.Tensor {
  return tf.linalg.bandPart(tf.ones([l, l]), -1, 0).sub(1).mul(1e9).reshape([1, 1, l, l]);
}

/** A stable per-name seed so initialisation is reproducible. */
function hashSeed(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}
