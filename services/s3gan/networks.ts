// The GAN's two networks, DCGAN-sized for 28×28 Fashion-MNIST on a CPU budget.
// Generator: z → dense 7×7×2c → cBN-ReLU → ×2 nearest-neighbour upsampling + conv 3×3 to 14×14×c → cBN-ReLU →
// ×2 upsampling + conv 3×3 to 28×28×1 → tanh (upsampling + conv rather than transposed convolutions, whose
// uneven kernel overlap draws checkerboards — Odena et al. 2016); cBN carries the class (SNGAN/BigGAN), a
// plain BN when unconditional.
// Discriminator (every weight spectrally normalised): conv 3×3/1 c → conv 4×4/2 2c → conv 4×4/2 4c (7×7),
// leaky ReLU 0.1, flattened → h (SNGAN's standard CNN; a global sum pool left D a ~16-pixel receptive field, so
// it judged local texture only and G never drew whole garments, see README); D(x, y) = ψ(h) + ⟨E_y, h⟩
// (projection discriminator, Miyato & Koyama 2018), and a linear rotation head h → 4 logits (self-supervised
// GAN, Chen et al. 2019).
import { tf } from '../ml/backend.js';
import {
  applyConv, applyCondBatchNorm, applyDense, condBatchNorm, conv, dense, ParamSet, spectralNorms,
  type Conv, type CondBatchNorm, type Dense, type SpectralNorm,
} from './layers.js';

export interface GanConfig {
  /** Latent size. */
  zDim: number;
  /** Generator width c (channels at 14×14; 2c at 7×7). */
  gChannels: number;
  /** Discriminator width c (channels at 28×28; 2c, 4c below). */
  dChannels: number;
  classes: number;
  /** Class-conditional G (cBN) and D (projection). */
  conditional: boolean;
  /** Adds the rotation head to D. */
  rotationHead: boolean;
}

export const IMAGE_SIZE = 28;

export interface Generator {
  params: ParamSet;
  generate(z: tf.Tensor2D, labels: tf.Tensor1D | undefined): tf.Tensor4D;
}

export function buildGenerator(c: GanConfig, seed: number): Generator {
  const p = new ParamSet(seed);
  const bnClasses = c.conditional ? c.classes : 1;
  const c2 = 2 * c.gChannels;
  // The class also enters at the input, [z, onehot(y)] → dense: cBN alone (per-class gain/bias from 1/0, each moved
  // ≤ lr per Adam step) left the conditional grids class-blind at 1,000 steps (README).
  const fc = dense(p, c.zDim + (c.conditional ? c.classes : 0), 7 * 7 * c2, false, false);
  const bn0 = condBatchNorm(p, c2, bnClasses);
  // No bias before a batch norm (it would be normalised away).
  const up1 = { kernel: p.normal([3, 3, c2, c.gChannels], 9 * c2) };
  const bn1 = condBatchNorm(p, c.gChannels, bnClasses);
  const up2 = { kernel: p.normal([3, 3, c.gChannels, 1], 9 * c.gChannels), bias: p.constant([1], 0) };
  const upsample = (x: tf.Tensor4D, k: { kernel: tf.Variable; bias?: tf.Variable }) => {
    const [, h, w] = x.shape;
    const y = tf.conv2d(tf.image.resizeNearestNeighbor(x, [2 * h, 2 * w]), k.kernel as tf.Tensor4D, 1, 'same');
    return k.bias ? tf.add(y, k.bias) as tf.Tensor4D : y;
  };
  const normRelu = (bn: CondBatchNorm, x: tf.Tensor, onehot: tf.Tensor2D) => tf.relu(applyCondBatchNorm(bn, x, onehot));
  return {
    params: p,
    generate(z, labels) {
      const n = z.shape[0];
      const onehot = c.conditional ? tf.oneHot(labels!, c.classes).toFloat() as tf.Tensor2D : tf.ones([n, 1]) as tf.Tensor2D;
      const input = c.conditional ? tf.concat([z, onehot], 1) : z;
      let h = tf.reshape(applyDense(fc, input), [n, 7, 7, c2]) as tf.Tensor4D;
      h = normRelu(bn0, h, onehot) as tf.Tensor4D;
      h = normRelu(bn1, upsample(h, up1), onehot) as tf.Tensor4D;
      return tf.tanh(upsample(h, up2));
    },
  };
}

export interface DiscriminatorOutput {
  /** Real/fake score per image, [n]. */
  score: tf.Tensor1D;
  /** Flattened features h, [n, 7·7·4c]. */
  features: tf.Tensor2D;
}

export interface Discriminator {
  params: ParamSet;
  /** Scores with the class projection when conditional and `labels` are given. */
  apply(x: tf.Tensor4D, labels?: tf.Tensor1D): DiscriminatorOutput;
  /** Rotation logits [n, 4] from the features h. */
  rotationLogits(features: tf.Tensor2D): tf.Tensor2D;
  /** Advance every spectral-norm estimate by one power-iteration step. */
  powerIterate(): void;
  /** Free the weights and the spectral-norm state. */
  dispose(): void;
}

export function buildDiscriminator(c: GanConfig, seed: number): Discriminator {
  const p = new ParamSet(seed);
  const trunk = convTrunk(p, c.dChannels, true);
  const width = FEATURE_CELLS * 4 * c.dChannels;
  const psi = dense(p, width, 1, true);
  // The class embedding E of the projection term, spectrally normalised like the rest of D.
  const embed: Dense | undefined = c.conditional ? dense(p, c.classes, width, true, false) : undefined;
  const rotation: Dense | undefined = c.rotationHead ? dense(p, width, 4, false) : undefined;
  const norms: SpectralNorm[] = spectralNorms([...trunk.layers, psi, ...(embed ? [embed] : [])]);
  return {
    params: p,
    apply(x, labels) {
      const features = trunk.features(x);
      let score = tf.reshape(applyDense(psi, features), [-1]) as tf.Tensor1D;
      if (embed && labels) {
        const e = applyDense(embed, tf.oneHot(labels, c.classes).toFloat() as tf.Tensor2D);
        score = tf.add(score, tf.sum(tf.mul(e, features), 1));
      }
      return { score, features };
    },
    rotationLogits(features) {
      if (!rotation) throw new Error('this discriminator has no rotation head');
      return applyDense(rotation, features);
    },
    powerIterate: () => norms.forEach((sn) => sn.powerIterate()),
    dispose: () => { norms.forEach((sn) => sn.dispose()); tf.dispose(p.vars); },
  };
}

export interface ConvTrunk {
  layers: Conv[];
  /** Features of images [n, 28, 28, 1]: the 7×7×4c maps flattened to [n, 49·4c]. */
  features(x: tf.Tensor4D): tf.Tensor2D;
}

/** Spatial cells of the trunk's last feature maps (7×7). */
export const FEATURE_CELLS = 49;

/**
 * Three convolutions to 7×7×4c, flattened: D's body (spectrally normalised), and the body of the
 * rotation-pretrained feature extractor that infers labels (no spectral norm; mean-pooled, it labelled 10 pt
 * worse, see README).
 */
export function convTrunk(p: ParamSet, width: number, spectral: boolean): ConvTrunk {
  const layers = [conv(p, 3, 1, width, spectral), conv(p, 4, width, 2 * width, spectral), conv(p, 4, 2 * width, 4 * width, spectral)];
  const strides = [1, 2, 2];
  return {
    layers,
    features(x) {
      const h = layers.reduce((a, layer, i) => tf.leakyRelu(applyConv(layer, a, strides[i]!), 0.1), x);
      return tf.reshape(h, [h.shape[0], -1]) as tf.Tensor2D;
    },
  };
}

/** Rotate images [n, h, w, c] (square) counter-clockwise by k·90°. */
export function rotate(x: tf.Tensor4D, k: number): tf.Tensor4D {
  switch (((k % 4) + 4) % 4) {
    case 0: return x;
    case 1: return tf.reverse(tf.transpose(x, [0, 2, 1, 3]), 1);
    case 2: return tf.reverse(x, [1, 2]);
    default: return tf.reverse(tf.transpose(x, [0, 2, 1, 3]), 2);
  }
}

/**
 * The rotation task of a batch: each quarter of the images turned by 0/90/180/270° (one rotation per image
 * keeps D's cost at 1× rather than the paper's 4× per batch), with the rotation index as the label.
 */
export function rotationBatch(x: tf.Tensor4D): { images: tf.Tensor4D; labels: tf.Tensor1D } {
  const n = x.shape[0];
  const bounds = [0, 1, 2, 3, 4].map((q) => Math.round((q * n) / 4));
  const parts = [0, 1, 2, 3].map((k) => rotate(tf.slice(x, [bounds[k]!, 0, 0, 0], [bounds[k + 1]! - bounds[k]!, -1, -1, -1]), k));
  const labels = Int32Array.from({ length: n }, (_, i) => [1, 2, 3, 4].findIndex((q) => i < bounds[q]!));
  return { images: tf.concat(parts, 0), labels: tf.tensor1d(labels, 'int32') };
}
