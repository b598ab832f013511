// Adversarial training with the hinge loss (Lim & Ye 2017; SNGAN, BigGAN): one D step then one G step per
// iteration, each with its own Adam. Not services/ml's trainLoop, which minimises one loss with one optimizer;
// weights are saved through services/ml's checkpoint module at the end.
//   L_D = E[max(0, 1 − D(x, y))] + E[max(0, 1 + D(G(z, y'), y'))] + β · CE(R(rot_r(x)), r)
//   L_G = −E[D(G(z, y'), y')] + α · CE(R(rot_r(G(z, y'))), r)
// with the rotation terms (Chen et al. 2019 use α = 0.2, β = 1; the study's defaults are a tenth of that) only for
// variants that have them.
import { saveCheckpoint, variables } from '../ml/checkpoint.js';
import { tf } from '../ml/backend.js';
import type { MetricsSink } from '../ml/train-loop.js';
import { seededRandom } from '../ml/seeded-random.js';
import { imageBatch, labelBatch, sampleIndices, type ImageSet } from './images.js';
import { rotationBatch, type Discriminator, type Generator } from './networks.js';

export interface GanTrainOptions {
  steps: number;
  batchSize: number;
  zDim: number;
  learningRateG: number;
  learningRateD: number;
  /** Adam's β1, β2 (BigGAN/SNGAN use small β1 for GANs). */
  betas: [number, number];
  /** Rotation-loss weights for D on real images (β) and G on fakes (α); 0 turns it off. */
  rotationWeightD: number;
  rotationWeightG: number;
  seed: number;
  logEvery?: number;
  onMetrics?: MetricsSink;
  /** Fraction of this run done, after each logged step. */
  onProgress?: (fraction: number) => void | Promise<void>;
  checkpointDir?: string;
  signal?: AbortSignal;
}

/** What the GAN learns from: images, and the labels it conditions on (true or inferred; none when unconditional). */
export interface GanData {
  set: ImageSet;
  labels?: Int32Array;
}

export interface GanTrainResult {
  steps: number;
  lossD: number;
  lossG: number;
}

/** Rotation loss on the first half of a batch (a quarter of it at each angle) — half the paper's 4× cost. */
const rotationLoss = (d: Discriminator, x: tf.Tensor4D): tf.Scalar => {
  const { images, labels } = rotationBatch(tf.slice(x, 0, Math.min(x.shape[0], Math.max(4, Math.floor(x.shape[0] / 2)))));
  const logits = d.rotationLogits(d.apply(images).features);
  return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 4), logits) as tf.Scalar;
};

export async function trainGan(g: Generator, d: Discriminator, data: GanData, o: GanTrainOptions): Promise<GanTrainResult> {
  const random = seededRandom(o.seed);
  const n = data.set.labels.length;
  const optD = tf.train.adam(o.learningRateD, o.betas[0], o.betas[1]);
  const optG = tf.train.adam(o.learningRateG, o.betas[0], o.betas[1]);
  const logEvery = o.logEvery ?? 50;
  let sums = { d: 0, g: 0 }, count = 0, last = { d: NaN, g: NaN };
  // Class labels for fakes follow the (true or inferred) label distribution: labels of a random real batch.
  const fakeLabels = () => (data.labels ? labelBatch(data.labels, sampleIndices(n, o.batchSize, random)) : undefined);
  const latent = (step: number, k: number) => tf.randomNormal([o.batchSize, o.zDim], 0, 1, 'float32', o.seed * 7919 + step * 2 + k) as tf.Tensor2D;

  for (let step = 0; step < o.steps; step++) {
    o.signal?.throwIfAborted();
    d.powerIterate();
    const idx = sampleIndices(n, o.batchSize, random);
    const real = imageBatch(data.set, idx);
    const yReal = data.labels ? labelBatch(data.labels, idx) : undefined;
    const yFake = fakeLabels();
    const fake = tf.tidy(() => g.generate(latent(step, 0), yFake));
    const lossD = optD.minimize(() => {
      const onReal = tf.mean(tf.relu(tf.sub(1, d.apply(real, yReal).score)));
      const onFake = tf.mean(tf.relu(tf.add(1, d.apply(fake, yFake).score)));
      const adversarial = tf.add(onReal, onFake);
      return (o.rotationWeightD > 0 ? tf.add(adversarial, tf.mul(o.rotationWeightD, rotationLoss(d, real))) : adversarial) as tf.Scalar;
    }, true, d.params.vars)!;
    tf.dispose([real, fake, yReal]);

    const z = latent(step, 1);
    const lossG = optG.minimize(() => {
      const x = g.generate(z, yFake);
      const adversarial = tf.neg(tf.mean(d.apply(x, yFake).score));
      return (o.rotationWeightG > 0 ? tf.add(adversarial, tf.mul(o.rotationWeightG, rotationLoss(d, x))) : adversarial) as tf.Scalar;
    }, true, g.params.vars)!;
    const [ld, lg] = [(await lossD.data())[0]!, (await lossG.data())[0]!];
    tf.dispose([z, yFake, lossD, lossG]);
    if (!Number.isFinite(ld) || !Number.isFinite(lg)) throw new Error(`GAN loss is not finite at step ${step} (D ${ld}, G ${lg})`);
    sums.d += ld; sums.g += lg; count++;
    if ((step + 1) % logEvery === 0 || step + 1 === o.steps) {
      last = { d: sums.d / count, g: sums.g / count };
      sums = { d: 0, g: 0 }; count = 0;
      await o.onMetrics?.({ loss_d: last.d, loss_g: last.g }, step + 1);
      await o.onProgress?.((step + 1) / o.steps);
    }
  }
  if (o.checkpointDir) await saveCheckpoint(o.checkpointDir, variables([...g.params.vars, ...d.params.vars]), { step: o.steps }, undefined, 1);
  optD.dispose();
  optG.dispose();
  return { steps: o.steps, lossD: last.d, lossG: last.g };
}

/** `count` generated images [count, 28, 28, 1] in [0, 1], drawn in batches of `batch` (batch-norm statistics). */
export function sampleImages(g: Generator, count: number, zDim: number, labels: Int32Array | undefined, seed: number, batch = 250): Float32Array {
  const out = new Float32Array(count * 28 * 28);
  for (let from = 0; from < count; from += batch) {
    const size = Math.min(batch, count - from);
    const images = tf.tidy(() => {
      const z = tf.randomNormal([size, zDim], 0, 1, 'float32', seed + from) as tf.Tensor2D;
      const y = labels ? tf.tensor1d(labels.subarray(from, from + size), 'int32') : undefined;
      return tf.div(tf.add(g.generate(z, y), 1), 2);
    });
    out.set(images.dataSync(), from * 28 * 28);
    images.dispose();
  }
  return out;
}
