// Symmetric int8 weight quantization with one scale per output channel (the last axis of Dense
// [in, out] and Conv2D [kh, kw, in, out] kernels): q = round(w / s_c), s_c = max|w_c| / 127, so every
// weight is reproduced within s_c / 2 and the file shrinks ~4× (Jacob et al. 2018, §2; per-channel
// scales as in Krishnamoorthi 2018, §3.1). Zero-point is 0 so dequantization is one multiply.

export interface Int8Weights {
  /** Quantized values, same layout as the float tensor. */
  values: Int8Array;
  /** One scale per channel of the last axis. */
  scales: Float32Array;
  shape: number[];
}

/** Tensors worth quantizing: rank ≥ 2 kernels. Biases and batch-norm vectors stay float32 (tiny). */
export function isQuantizable(shape: number[], dtype: string): boolean {
  return dtype === 'float32' && shape.length >= 2;
}

export function quantizeInt8(weights: Float32Array, shape: number[]): Int8Weights {
  const channels = shape[shape.length - 1] ?? 1;
  if (weights.length !== shape.reduce((p, d) => p * d, 1)) throw new Error(`weights length ${weights.length} does not match shape [${shape}]`);
  const maxAbs = new Float32Array(channels);
  for (let i = 0; i < weights.length; i++) {
    const c = i % channels;
    const a = Math.abs(weights[i]!);
    if (a > maxAbs[c]!) maxAbs[c] = a;
  }
  const scales = maxAbs.map((m) => (m > 0 ? m / 127 : 1));
  const values = new Int8Array(weights.length);
  for (let i = 0; i < weights.length; i++) {
    values[i] = Math.max(-127, Math.min(127, Math.round(weights[i]! / scales[i % channels]!)));
  }
  return { values, scales, shape };
}

export function dequantizeInt8({ values, scales }: Int8Weights): Float32Array {
  const channels = scales.length;
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i]! * scales[i % channels]!;
  return out;
}
