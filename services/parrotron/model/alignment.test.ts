import assert from 'node:assert/strict';
import { initBackend } from '../../ml/backend.js';
import { synthesizeTestPairs, tinyTrainingSet } from '../test-fixtures.js';
import { disposeBatch, makeBatch, trainParrotron } from './parrotron-training.js';
import { alignmentQuality, argmaxRows } from './alignment.js';

describe('parrotron attention on a tiny overfit set', function () {
  this.timeout(900_000) // ~1 CPU-minute; wall time grows with the machine's load;

  it('becomes monotonic and covers the input', async () => {
    await initBackend();
    const { examples, normalizers: norms, model } = tinyTrainingSet(await synthesizeTestPairs());
    const measure = () => {
      const padded = makeBatch(model, examples, norms);
      const out = model.forward(padded.batch, false);
      const [B, D, T] = out.alignments.shape;
      const steps = Array.from(padded.batch.targetMask.sum(1).dataSync());
      const encSteps = Array.from(padded.batch.inputMask.sum(1).dataSync());
      const rows = argmaxRows(out.alignments.dataSync() as Float32Array, B, D, T, steps);
      const mel = out.mel.sub(padded.batch.target).abs().mean().dataSync()[0];
      disposeBatch(padded);
      return { quality: rows.map((r, b) => alignmentQuality(r, encSteps[b])), mel };
    };
    const before = measure();
    const losses = await trainParrotron(model, examples, norms, { steps: 40, batchSize: examples.length, learningRate: 0.01, seed: 3 });
    const after = measure();
    console.log(`      mel L1 ${before.mel.toFixed(3)} → ${after.mel.toFixed(3)}; guided ${losses.guided_loss.toFixed(3)}; monotonic ${after.quality.map((q) => q.monotonic.toFixed(2))}; coverage ${after.quality.map((q) => q.coverage.toFixed(2))}`);
    assert.ok(after.mel < before.mel * 0.8, 'the spectrogram fits');
    for (const q of after.quality) {
      assert.ok(q.monotonic >= 0.9, `alignment moves forward (${q.monotonic})`);
      assert.ok(q.coverage >= 0.5, `alignment spans the input (${q.coverage})`);
    }
    model.dispose();
  });
});
