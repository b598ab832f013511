// FusedBatchNorm's gradient without tfjs-core's `tile`: core tiles 1/√(var+ε) to the full activation shape
// before multiplying, which broadcasting makes unnecessary; on wasm that Tile was a third of a convnet
// training step. Same formulas otherwise (Ioffe & Szegedy 2015, §3). Registered for every backend.
import * as tf from '@tensorflow/tfjs';

let registered = false;

export function registerBatchNormGradient(): void {
  if (registered) return;
  registered = true;
  tf.registerGradient({
    kernelName: 'FusedBatchNorm',
    inputsToSave: ['x', 'mean', 'variance', 'scale'],
    gradFunc: (dy, saved, attrs) => {
      const { varianceEpsilon } = attrs as unknown as { varianceEpsilon: number };
      const [x, mean, variance, scale] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
      const dyT = dy as tf.Tensor;
      const scaleValue = scale ?? tf.scalar(1);
      const axes = tf.backend_util.getReductionAxes(mean.shape, x.shape);
      const reduce = (t: tf.Tensor) => (mean.rank === 1 ? tf.sum(t, axes) : t).reshape(mean.shape);
      const xMinusMean = tf.sub(x, mean);
      const dyTimesScale = tf.mul(dyT, scaleValue);
      const rsqrtVar = tf.rsqrt(tf.add(variance, tf.scalar(varianceEpsilon)));
      const minusHalfRCube = tf.mul(tf.mul(tf.mul(rsqrtVar, rsqrtVar), rsqrtVar), tf.scalar(-0.5));
      return {
        x: () => tf.mul(dyTimesScale, rsqrtVar).reshape(x.shape),
        mean: () => reduce(tf.mul(tf.neg(rsqrtVar), dyTimesScale)),
        variance: () => reduce(tf.mul(tf.mul(minusHalfRCube, xMinusMean), dyTimesScale)),
        scale: () => reduce(tf.mul(dyT, tf.mul(xMinusMean, rsqrtVar))),
        offset: () => reduce(dyT),
      };
    },
  });
}
