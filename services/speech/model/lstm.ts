// A unidirectional LSTM (Hochreiter & Schmidhuber 1997, with forget gate) written with plain tf ops so the
// same weights run a whole padded batch for training and one step at a time for streaming. The input
// projection of every time step is one matmul before the recurrence (only h·U runs per step), and the
// forget-gate bias starts at 1 (Jozefowicz et al. 2015). Gate order i, f, g, o (as Keras).
import { tf } from '../../ml/backend.js';
import { glorotUniform } from '../../ml/seeded-init.js';
import type { Random } from '../../ml/seeded-random.js';

export interface LstmState {
  h: tf.Tensor2D;
  c: tf.Tensor2D;
}

export interface LstmWeights {
  kernel: tf.Variable; // [input, 4H]
  recurrent: tf.Variable; // [H, 4H]
  bias: tf.Variable; // [4H]
}

/** Weights drawn from `random` (the model's seeded generator), so an init is reproducible. */
export function createLstmWeights(input: number, units: number, random: Random): LstmWeights {
  // glorotUniform for the recurrent kernel too: tfjs's orthogonal initializer is very slow on CPU (NOTES).
  const bias = tf.concat([tf.zeros([units]), tf.ones([units]), tf.zeros([2 * units])]);
  return {
    kernel: tf.variable(glorotUniform([input, 4 * units], random)),
    recurrent: tf.variable(glorotUniform([units, 4 * units], random)),
    bias: tf.variable(bias),
  };
}

export function zeroState(batch: number, units: number): LstmState {
  return { h: tf.zeros([batch, units]), c: tf.zeros([batch, units]) };
}

/** One step from the already-projected input z_x = x·W + b [B, 4H]. */
function cell(w: LstmWeights, zx: tf.Tensor2D, state: LstmState): LstmState {
  const z = zx.add(state.h.matMul(w.recurrent as tf.Tensor2D));
  const [i, f, g, o] = tf.split(z, 4, 1);
  const c = f.sigmoid().mul(state.c).add(i.sigmoid().mul(g.tanh())) as tf.Tensor2D;
  const h = o.sigmoid().mul(c.tanh()) as tf.Tensor2D;
  return { h, c };
}

/** Run a whole sequence x [B, T, input] → outputs [B, T, H] and the final state. */
export function lstmSequence(w: LstmWeights, x: tf.Tensor3D, initial?: LstmState): { outputs: tf.Tensor3D; state: LstmState } {
  const [B, T, input] = x.shape;
  const units = w.recurrent.shape[0];
  const projected = x.reshape([B * T, input]).matMul(w.kernel as tf.Tensor2D).add(w.bias).reshape([B, T, 4 * units]);
  const steps = tf.unstack(projected, 1) as tf.Tensor2D[];
  let state = initial ?? zeroState(B, units);
  const outputs: tf.Tensor2D[] = [];
  for (const zx of steps) {
    state = cell(w, zx, state);
    outputs.push(state.h);
  }
  return { outputs: tf.stack(outputs, 1) as tf.Tensor3D, state };
}

/** One step for streaming: x [B, input]. */
export function lstmStep(w: LstmWeights, x: tf.Tensor2D, state: LstmState): LstmState {
  return cell(w, x.matMul(w.kernel as tf.Tensor2D).add(w.bias) as tf.Tensor2D, state);
}
