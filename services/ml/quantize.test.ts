import assert from 'node:assert/strict';
import { dequantizeInt8, isQuantizable, quantizeInt8 } from './quantize.js';

describe('int8 per-channel quantization', () => {
  it('reproduces every weight within half its channel scale', () => {
    // Channels with very different ranges: a per-tensor scale would wipe out the small one.
    const shape = [3, 3, 4, 5];
    const w = Float32Array.from({ length: 180 }, (_, i) => Math.sin(i * 1.7) * 10 ** ((i % 5) - 2));
    const q = quantizeInt8(w, shape);
    assert.equal(q.scales.length, 5);
    const back = dequantizeInt8(q);
    w.forEach((v, i) => assert.ok(Math.abs(v - back[i]!) <= q.scales[i % 5]! / 2 + 1e-12, `element ${i}: ${v} vs ${back[i]}`));
    for (let c = 0; c < 5; c++) {
      const maxAbs = Math.max(...w.filter((_, i) => i % 5 === c).map(Math.abs));
      assert.ok(Math.abs(q.scales[c]! - maxAbs / 127) < 1e-6 * maxAbs, `scale of channel ${c}`);
    }
  });

  it('stores one byte per weight plus four per channel', () => {
    const q = quantizeInt8(new Float32Array(4096).map((_, i) => i - 2048), [64, 64]);
    assert.equal(q.values.byteLength, 4096);
    assert.equal(q.scales.byteLength, 64 * 4);
  });

  it('handles an all-zero channel and rejects a wrong shape', () => {
    const q = quantizeInt8(new Float32Array([0, 127, 0, -63]), [2, 2]);
    assert.deepEqual(Array.from(dequantizeInt8(q)), [0, 127, 0, -63]);
    assert.throws(() => quantizeInt8(new Float32Array(3), [2, 2]), /does not match shape/);
  });

  it('quantizes kernels only', () => {
    assert.ok(isQuantizable([3, 3, 8, 16], 'float32'));
    assert.ok(!isQuantizable([16], 'float32'));
    assert.ok(!isQuantizable([4, 4], 'int32'));
  });
});
