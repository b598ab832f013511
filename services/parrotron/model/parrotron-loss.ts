// Parrotron's multitask loss: L1 + L2 on the predicted log-mel frames, sigmoid cross-entropy on the stop
// token, cross-entropy of the auxiliary phoneme decoder, and a guided-attention penalty (Tachibana et al.
// 2018: weights far from the diagonal cost 1 − exp(−(n/N − t/T)² / 2g²)) that makes attention align within
// the few hundred steps a CPU can afford.
import { tf } from '../../ml/backend.js';
import type { Batch, Forward } from './parrotron-model.js';

export interface LossWeights { stop: number; phonemes: number; guided: number }
export const DEFAULT_LOSS_WEIGHTS: LossWeights = { stop: 1, phonemes: 0.5, guided: 1 };

const maskedMean = (values: tf.Tensor, mask: tf.Tensor) => values.mul(mask).sum().div(mask.sum().maximum(1)) as tf.Scalar;

/** [B, D, T] penalty matrix from the real lengths of each example. */
export function guidedAttentionPenalty(decoderSteps: number[], encoderSteps: number[], D: number, T: number, g = 0.2): tf.Tensor3D {
  const out = new Float32Array(decoderSteps.length * D * T);
  decoderSteps.forEach((dLen, b) => {
    for (let d = 0; d < dLen; d++) {
      for (let t = 0; t < encoderSteps[b]; t++) out[(b * D + d) * T + t] = 1 - Math.exp(-((d / dLen - t / encoderSteps[b]) ** 2) / (2 * g * g));
    }
  });
  return tf.tensor3d(out, [decoderSteps.length, D, T]);
}

export function parrotronLoss(batch: Batch, out: Forward, penalty: tf.Tensor3D, w: LossWeights = DEFAULT_LOSS_WEIGHTS): { total: tf.Scalar; parts: Record<string, tf.Scalar> } {
  const [B, Ty, M] = batch.target.shape;
  const D = batch.targetMask.shape[1];
  const frameMask = batch.targetMask.reshape([B, D, 1]).tile([1, 1, (Ty / D) * M]).reshape([B, Ty, M]);
  const diff = out.mel.sub(batch.target);
  const mel = maskedMean(diff.abs().add(diff.square()), frameMask);
  // Stop: the positive class is one step per utterance, so weight it up (Shen et al. use a similar trick).
  const stopTerms = tf.relu(out.stopLogits).sub(out.stopLogits.mul(batch.stop)).add(tf.log1p(tf.exp(out.stopLogits.abs().neg())));
  const stop = maskedMean(stopTerms.mul(batch.stop.mul(4).add(1)), batch.targetMask);
  const symbols = out.phonemeLogits.shape[2];
  const logProbs = tf.logSoftmax(out.phonemeLogits);
  const phonemes = maskedMean(logProbs.mul(tf.oneHot(batch.phonemesOut, symbols)).sum(2).neg(), batch.phonemeMask);
  // Per decoder step each row of α sums to 1, so the mean over real steps is the expected off-diagonal cost.
  const guided = out.alignments.mul(penalty).sum().div(batch.targetMask.sum().maximum(1)) as tf.Scalar;
  const total = mel.add(stop.mul(w.stop)).add(phonemes.mul(w.phonemes)).add(guided.mul(w.guided)) as tf.Scalar;
  return { total, parts: { mel_loss: mel, stop_loss: stop, phoneme_loss: phonemes, guided_loss: guided } };
}
