// Weight initializers drawn from the suite's seeded generator, so a model built from a seed starts from the
// same weights on every run and backend (tfjs's own initializers draw from an unseeded global source).
import { tf } from './backend.js';
import type { Random } from './seeded-random.js';

/**
 * Glorot & Bengio 2010 uniform init: U(−√(6/(fanIn+fanOut)), +√(…)). Fans as Keras computes them: a matrix
 * [in, out]; a channels-last kernel [...spatial, in, out] multiplies both by the receptive field.
 */
export function glorotUniform(shape: readonly number[], random: Random): tf.Tensor {
  const receptiveField = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  const fanIn = shape[shape.length - 2] * receptiveField;
  const fanOut = shape[shape.length - 1] * receptiveField;
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = (2 * random() - 1) * limit;
  return tf.tensor(values, [...shape]);
}
