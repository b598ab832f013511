import assert from 'node:assert/strict';
import { initBackend, tf } from '../ml/backend.js';
import { seededRandom } from '../ml/seeded-random.js';
import { buildExtractor, inferLabels, labelledSubset, pretrainRotation, rotationAccuracy } from './label-inference.js';
import { STRIPE_PERIODS, stripesSet } from './test-fixtures.js';

describe('S3GAN label inference (tiny set)', function () {
  this.timeout(120_000);
  before(() => initBackend());

  it('picks a seeded subset of the requested size without repeats', () => {
    const subset = labelledSubset(200, 0.1, seededRandom(1));
    assert.equal(subset.length, 20);
    assert.equal(new Set(subset).size, 20);
    assert.deepEqual(subset, labelledSubset(200, 0.1, seededRandom(1)));
  });

  it('the rotation head learns above chance and the classifier on 20 % of labels labels the rest above chance', async () => {
    const train = stripesSet(400, 1), heldOut = stripesSet(200, 2);
    const options = { width: 8, pretrainSteps: 120, fineTuneSteps: 120, batchSize: 32, learningRate: 3e-3, seed: 1 };
    const extractor = buildExtractor(8, STRIPE_PERIODS.length, 1);
    const untrained = rotationAccuracy(extractor, heldOut);
    const rotation = await pretrainRotation(extractor, train, heldOut, options);
    assert.ok(rotation > 0.6 && rotation > untrained + 0.2, `rotation accuracy ${untrained} → ${rotation} (chance 0.25)`);
    const inferred = await inferLabels(extractor, train, 0.2, options);
    assert.equal(inferred.labelled.length, 80);
    for (const i of inferred.labelled) assert.equal(inferred.labels[i], train.labels[i]);
    assert.ok(inferred.accuracy > 0.5, `label-inference accuracy ${inferred.accuracy} (chance 0.25)`);
    tf.dispose(extractor.params.vars);
  });
});
