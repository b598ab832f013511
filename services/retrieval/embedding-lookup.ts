// Embedding lookup with its gradient computed as a scatter-add in JavaScript: tf.gather's gradient needs the
// UnsortedSegmentSum kernel, which the tfjs wasm backend lacks (NOTES-stack.md). The table gradient is dense
// [vocab, dim], as tf.gather's would be.
import { tf } from '../ml/backend.js';

/** Rows `ids` (row-major, shape `shape`) of `table` [vocab, dim]; result shape [...shape, dim]. */
export function embeddingLookup(table: tf.Tensor2D, ids: Int32Array, shape: number[]): tf.Tensor {
  const [vocab, dim] = table.shape;
  const lookup = tf.customGrad((t) => {
    const value = tf.gather(t as tf.Tensor2D, tf.tensor1d(ids, 'int32'));
    const gradFunc = (dy: tf.Tensor): tf.Tensor => {
      const dyData = dy.dataSync();
      const grad = new Float32Array(vocab * dim);
      for (let i = 0; i < ids.length; i++) {
        const row = ids[i]! * dim;
        const from = i * dim;
        for (let j = 0; j < dim; j++) grad[row + j]! += dyData[from + j]!;
      }
      return tf.tensor2d(grad, [vocab, dim]);
    };
    return { value, gradFunc };
  });
  return (lookup(table) as tf.Tensor).reshape([...shape, dim]);
}
