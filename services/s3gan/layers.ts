// Hand-written layers for the GAN: plain tf.Variables (a GAN alternates two optimizers over two variable sets,
// and spectral normalisation needs the raw weight), spectral normalisation by power iteration (Miyato et al.
// 2018), and conditional batch norm (gain and bias per class, as in SNGAN/BigGAN generators).
import { tf } from '../ml/backend.js';

/** A named set of trainable variables, seeded so a run is reproducible. */
export class ParamSet {
  readonly vars: tf.Variable[] = [];
  private count = 0;
  constructor(private readonly seed: number) {}

  /** A weight drawn N(0, std²) (std = √(2 / fanIn) when omitted: He init). */
  normal(shape: number[], fanIn: number, std = Math.sqrt(2 / fanIn)): tf.Variable {
    return this.keep(tf.randomNormal(shape, 0, std, 'float32', this.seed * 1000 + this.count));
  }

  constant(shape: number[], value: number): tf.Variable {
    return this.keep(tf.fill(shape, value));
  }

  private keep(init: tf.Tensor): tf.Variable {
    const v = tf.variable(init, true);
    this.count++;
    init.dispose();
    this.vars.push(v);
    return v;
  }
}

/**
 * W / σ(W), σ estimated by one power-iteration step per training step (Miyato et al. 2018, Algorithm 1).
 * The singular vectors u, v are updated outside the gradient tape (`powerIterate`), so inside the loss σ =
 * uᵀ W v differentiates through W only — the paper's treatment of u and v as constants.
 */
export class SpectralNorm {
  private u: tf.Tensor2D;
  private v: tf.Tensor2D;
  constructor(readonly weight: tf.Variable, seed: number) {
    const out = weight.shape.at(-1)!;
    this.u = tf.keep(tf.randomNormal([1, out], 0, 1, 'float32', seed));
    this.v = tf.keep(tf.zeros([1, weight.size / out]));
    this.powerIterate();
  }

  /** One power-iteration step on the current weight (call once before each discriminator update). */
  powerIterate(): void {
    const [u, v] = tf.tidy(() => {
      const w = this.matrix();
      const v = l2normalize(tf.matMul(this.u, w, false, true));
      return [l2normalize(tf.matMul(v, w)), v] as tf.Tensor2D[];
    });
    tf.dispose([this.u, this.v]);
    this.u = tf.keep(u!);
    this.v = tf.keep(v!);
  }

  /** The estimate of the largest singular value, differentiable in the weight. */
  sigma(): tf.Scalar {
    return tf.sum(tf.mul(tf.matMul(this.v, this.matrix()), this.u));
  }

  /** The normalised weight, shaped like the raw one. */
  normalized(): tf.Tensor {
    return tf.div(this.weight, this.sigma());
  }

  dispose(): void {
    tf.dispose([this.u, this.v]);
  }

  /** The weight as [fanIn, out]: conv kernels [kh, kw, in, out] flatten their first three axes. */
  private matrix(): tf.Tensor2D {
    const out = this.weight.shape.at(-1)!;
    return tf.reshape(this.weight, [this.weight.size / out, out]);
  }
}

function l2normalize(x: tf.Tensor2D): tf.Tensor2D {
  return tf.div(x, tf.add(tf.norm(x), 1e-12));
}

export interface Conv {
  kernel: tf.Variable;
  bias: tf.Variable;
  sn?: SpectralNorm;
}

export function conv(p: ParamSet, size: number, inC: number, outC: number, spectral: boolean): Conv {
  const kernel = p.normal([size, size, inC, outC], size * size * inC);
  return { kernel, bias: p.constant([outC], 0), sn: spectral ? new SpectralNorm(kernel, p.vars.length) : undefined };
}

export function applyConv(c: Conv, x: tf.Tensor4D, stride: number): tf.Tensor4D {
  const w = (c.sn ? c.sn.normalized() : c.kernel) as tf.Tensor4D;
  return tf.add(tf.conv2d(x, w, stride, 'same'), c.bias);
}

export interface Dense {
  weight: tf.Variable;
  bias?: tf.Variable;
  sn?: SpectralNorm;
}

export function dense(p: ParamSet, inDim: number, outDim: number, spectral: boolean, bias = true): Dense {
  const weight = p.normal([inDim, outDim], inDim, spectral ? 1 / Math.sqrt(inDim) : undefined);
  return { weight, bias: bias ? p.constant([outDim], 0) : undefined, sn: spectral ? new SpectralNorm(weight, p.vars.length) : undefined };
}

export function applyDense(d: Dense, x: tf.Tensor2D): tf.Tensor2D {
  const y: tf.Tensor2D = tf.matMul(x, (d.sn ? d.sn.normalized() : d.weight) as tf.Tensor2D);
  return d.bias ? tf.add(y, d.bias) : y;
}

/** Batch norm over all but the channel axis, with a gain and bias per class when `classes` > 1. */
export interface CondBatchNorm {
  gamma: tf.Variable;
  beta: tf.Variable;
}

export function condBatchNorm(p: ParamSet, channels: number, classes: number): CondBatchNorm {
  return { gamma: p.constant([classes, channels], 1), beta: p.constant([classes, channels], 0) };
}

/**
 * Normalise with the batch's statistics (also when sampling: samples are drawn in large batches) and apply
 * the class's gain/bias, picked by a one-hot matmul (`onehot` [n, classes]; a single column for no classes).
 */
export function applyCondBatchNorm(bn: CondBatchNorm, x: tf.Tensor, onehot: tf.Tensor2D): tf.Tensor {
  const axes = x.shape.map((_, i) => i).slice(0, -1);
  const { mean, variance } = tf.moments(x, axes, true);
  const normalized = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5)));
  const broadcast = [x.shape[0]!, ...x.shape.slice(1, -1).map(() => 1), x.shape.at(-1)!];
  const gamma = tf.reshape(tf.matMul(onehot, bn.gamma as tf.Tensor2D), broadcast);
  const beta = tf.reshape(tf.matMul(onehot, bn.beta as tf.Tensor2D), broadcast);
  return tf.add(tf.mul(normalized, gamma), beta);
}

/** Every spectral-norm estimator among the given layers. */
export function spectralNorms(layers: { sn?: SpectralNorm }[]): SpectralNorm[] {
  return layers.flatMap((l) => (l.sn ? [l.sn] : []));
}
