// Named trainable variables: the model asks for each weight by name once, and saving/loading walks the same
// names, so a checkpoint is a manifest of (name, shape) plus one float32 blob.
import { tf } from '../../ml/backend.js';
import { glorotUniform } from '../../ml/seeded-init.js';
import type { Random } from '../../ml/seeded-random.js';

export class ParamStore {
  readonly vars = new Map<string, tf.Variable>();

  /** `random` draws every glorot init, so a store built from a seeded generator is reproducible. */
  constructor(readonly random: Random) {}

  get(name: string, shape: number[], init: 'glorot' | 'zeros' | 'ones' = 'glorot'): tf.Variable {
    if (this.vars.has(name)) throw new Error(`parameter ${name} created twice`);
    const value = init === 'zeros' ? tf.zeros(shape) : init === 'ones' ? tf.ones(shape) : glorotUniform(shape, this.random);
    const v = tf.variable(value, true); // unnamed: tfjs names are global and two models share these
    this.vars.set(name, v);
    return v;
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}

export interface Dense { w: tf.Variable; b: tf.Variable }

export function dense(store: ParamStore, name: string, input: number, output: number): Dense {
  return { w: store.get(`${name}/w`, [input, output]), b: store.get(`${name}/b`, [output], 'zeros') };
}

/** x [N, in] → [N, out]. */
export const applyDense = (d: Dense, x: tf.Tensor2D): tf.Tensor2D => x.matMul(d.w as tf.Tensor2D).add(d.b);

/** x [B, T, in] → [B, T, out]. */
export function applyDense3d(d: Dense, x: tf.Tensor3D): tf.Tensor3D {
  const [B, T, input] = x.shape;
  return applyDense(d, x.reshape([B * T, input])).reshape([B, T, d.w.shape[1]!]);
}
