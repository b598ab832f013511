import assert from 'node:assert/strict';
import { initBackend } from '../../ml/backend.js';
import { synthesizeTestPairs, tinyTrainingSet } from '../test-fixtures.js';
import { trainParrotron } from './parrotron-training.js';

describe('trainParrotron learning rate', function () {
  this.timeout(300_000);

  it('follows a schedule of the 0-based step: a zero rate leaves the weights as they were', async () => {
    await initBackend();
    const { examples, normalizers: norms, model } = tinyTrainingSet(await synthesizeTestPairs(['two']), 5);
    const weights = () => [...model.store.vars.values()].map((v) => Array.from(v.dataSync()));
    const initial = weights();
    const asked: number[] = [];
    await trainParrotron(model, examples, norms, { steps: 3, batchSize: 2, seed: 1, learningRate: (step) => { asked.push(step); return 0; } });
    assert.deepEqual(asked.slice(-3), [0, 1, 2]);
    assert.deepEqual(weights(), initial, 'no update at rate 0');
    await trainParrotron(model, examples, norms, { steps: 1, batchSize: 2, seed: 1, learningRate: () => 0.01 });
    assert.notDeepEqual(weights(), initial, 'an update at rate 0.01');
    model.dispose();
  });
});
