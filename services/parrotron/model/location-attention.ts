// Location-sensitive attention (Chorowski et al. 2015, as in Tacotron 2 and Parrotron): the energy of memory
// position j mixes the decoder query, the memory key and convolutional features of the previous and the
// cumulative attention weights, e_j = vᵀ tanh(W q + V h_j + U (F * [α_prev, α_cum])_j); padding is masked
// out before the softmax. The location term is what pushes the alignment forward monotonically.
import { tf } from '../../ml/backend.js';
import { applyDense, dense, type Dense, type ParamStore } from './params.js';

export interface LocationAttention {
  query: Dense;
  memory: Dense;
  locationFilter: tf.Variable; // [kernel, 2, filters]
  location: Dense;
  v: tf.Variable; // [units, 1]
}

export function createLocationAttention(store: ParamStore, name: string, queryDim: number, memoryDim: number, units: number, filters: number, kernel: number): LocationAttention {
  return {
    query: dense(store, `${name}/query`, queryDim, units),
    memory: dense(store, `${name}/memory`, memoryDim, units),
    locationFilter: store.get(`${name}/location_filter`, [kernel, 2, filters]),
    location: dense(store, `${name}/location`, filters, units),
    v: store.get(`${name}/v`, [units, 1]),
  };
}

/** Keys V h_j of the whole memory [B, T, D] → [B, T, units], computed once per utterance. */
export function attentionKeys(att: LocationAttention, memory: tf.Tensor3D): tf.Tensor3D {
  const [B, T, D] = memory.shape;
  return applyDense(att.memory, memory.reshape([B * T, D])).reshape([B, T, att.v.shape[0]!]);
}

export interface AttentionState {
  weights: tf.Tensor2D; // [B, T] previous step's α
  cumulative: tf.Tensor2D; // [B, T] Σ of all previous α
}

export function initialAttention(mask: tf.Tensor2D): AttentionState {
  // Start with all weight on the first frame, so the location features point at the beginning.
  const [B, T] = mask.shape;
  const first = tf.oneHot(tf.zeros([B], 'int32'), T).toFloat() as tf.Tensor2D;
  return { weights: first, cumulative: first };
}

/**
 * One attention step: query [B, Q], keys [B, T, A], memory [B, T, D], mask [B, T] (1 = real frame).
 * Returns the context [B, D] and the new state.
 */
export function attend(att: LocationAttention, query: tf.Tensor2D, keys: tf.Tensor3D, memory: tf.Tensor3D, mask: tf.Tensor2D, state: AttentionState): { context: tf.Tensor2D; state: AttentionState } {
  const [B, T, A] = keys.shape;
  const locationIn = tf.stack([state.weights, state.cumulative], 2) as tf.Tensor3D; // [B, T, 2]
  const locationFeatures = tf.conv1d(locationIn, att.locationFilter as tf.Tensor3D, 1, 'same');
  const filters = att.locationFilter.shape[2]!;
  const location = applyDense(att.location, locationFeatures.reshape([B * T, filters])).reshape([B, T, A]);
  const q = applyDense(att.query, query).reshape([B, 1, A]);
  const energies = keys.add(q).add(location).tanh().reshape([B * T, A]).matMul(att.v as tf.Tensor2D).reshape([B, T]);
  const weights = energies.add(tf.scalar(1).sub(mask).mul(-1e9)).softmax() as tf.Tensor2D;
  const context = weights.reshape([B, 1, T]).matMul(memory).reshape([B, memory.shape[2]]) as tf.Tensor2D;
  return { context, state: { weights, cumulative: state.cumulative.add(weights) as tf.Tensor2D } };
}
