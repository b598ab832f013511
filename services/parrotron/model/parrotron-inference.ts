// Autoregressive conversion: encode the input once, then run the spectrogram decoder on its own previous
// frame until the stop token fires (or a length cap), and the phoneme decoder greedily until its end symbol.
import { tf } from '../../ml/backend.js';
import { padNormalized, type Normalizers } from './parrotron-training.js';
import type { ParrotronModel } from './parrotron-model.js';

export interface MelConversion {
  /** Raw (denormalized) log-mel frames [frames × mel] in the canonical voice. */
  mel: Float32Array;
  numFrames: number;
  phonemes: string[];
  /** Attended encoder step (argmax of α) per decoder step. */
  alignment: number[];
}

/** Decoder steps allowed per encoder step: canonical speech is rarely over twice the input's length. */
const MAX_LENGTH_RATIO = 2;

export function convertLogMel(model: ParrotronModel, norms: Normalizers, inputLogMel: Float32Array): MelConversion {
  const { melBins: M, stack, reduction: r, decoderUnits, phonemeUnits, phonemes: vocabulary } = model.config;
  const inFrames = inputLogMel.length / M;
  const Tx = Math.max(stack, Math.ceil(inFrames / stack) * stack);
  const encoderSteps = Tx / stack;
  const maxSteps = Math.ceil((MAX_LENGTH_RATIO * Tx) / r) + 2;
  const alignment: number[] = [];
  const symbols: number[] = [];
  const melTensor = tf.tidy(() => {
    const memory = model.encode(tf.tensor3d(padNormalized(inputLogMel, Tx, norms.input), [1, Tx, M]));
    const mask = tf.ones([1, encoderSteps]) as tf.Tensor2D;
    const keys = model.melKeys(memory);
    let state = model.initialState(memory, mask, decoderUnits);
    let previous = tf.zeros([1, M]) as tf.Tensor2D;
    const frames: tf.Tensor2D[] = [];
    for (let d = 0; d < maxSteps; d++) {
      const step = model.melStep(previous, state, keys, memory, mask, false);
      frames.push(step.frames);
      state = step.state;
      alignment.push(state.attention.weights.argMax(1).dataSync()[0]);
      previous = step.frames.slice([0, (r - 1) * M], [1, M]);
      if (step.stopLogit.dataSync()[0] > 0) break; // σ(logit) > 0.5
    }
    const pKeys = model.phonemeKeys(memory);
    let pState = model.initialState(memory, mask, phonemeUnits);
    let prev = 0;
    for (let i = 0; i < 2 * encoderSteps + 5; i++) {
      const step = model.phonemeStep(tf.tensor1d([prev], 'int32'), pState, pKeys, memory, mask);
      pState = step.state;
      prev = step.logits.argMax(1).dataSync()[0];
      if (prev === 0) break;
      symbols.push(prev);
    }
    return tf.concat(frames, 1).reshape([-1, M]);
  });
  const mel = melTensor.dataSync() as Float32Array;
  melTensor.dispose();
  const { mean, std } = norms.target;
  for (let i = 0; i < mel.length; i++) mel[i] = mel[i] * std[i % M] + mean[i % M];
  return { mel, numFrames: mel.length / M, phonemes: symbols.map((s) => vocabulary[s - 1]), alignment };
}
