import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { JobSpecError } from '../ml/job-type.js';
import { vggLike } from './example-networks.js';
import { morphJob } from './jobs.js';
import { networkFromJson, networkToJson } from './network-proto.js';
import { layerWidth } from './network.js';
import { recordingContext } from '../ml/recording-context.js';
import { tinyNet } from './test-fixtures.js';

const specError = (field: RegExp | string, reason: RegExp) => (e: unknown) =>
  e instanceof JobSpecError && (typeof field === 'string' ? e.field === field : field.test(e.field)) && reason.test(e.reason);

describe('morphnet.morph job', () => {
  it('rejects bad specs naming the field', () => {
    const network = networkToJson(vggLike());
    assert.throws(() => morphJob.validate({ network, target: 'speed' }), specError('target', /must be one of flops, size, latency/));
    assert.throws(() => morphJob.validate({ network, budget: 10 }), specError('budget', /below .* width 1/));
    assert.throws(() => morphJob.validate({ network, strength: -1 }), specError('strength', /\[0,/));
    assert.throws(() => morphJob.validate({ network, bogus: 1 }), specError('bogus', /unknown field/));
    assert.throws(() => morphJob.validate({}), specError('network', /required/));
    const broken = structuredClone(network) as { layers: { inputs?: string[] }[] };
    broken.layers[2].inputs = ['nowhere'];
    assert.throws(() => morphJob.validate({ network: broken }), specError('network.layers["conv2"]', /"nowhere" is not an earlier layer/));
    const wrongInput = networkToJson({ ...tinyNet(), input: { height: 32, width: 32, channels: 3 } });
    assert.throws(() => morphJob.validate({ network: wrongInput }), specError('network.input', /28×28×1/));
    assert.equal(morphJob.validate({ network, target: 'TARGET_SIZE' }).target, 'size');
  });

  it('runs a miniature cycle: regularize, shrink, expand to the budget, retrain', async function () {
    this.timeout(180_000);
    const ctx = recordingContext();
    try {
      const spec = morphJob.validate({
        network: networkToJson(tinyNet(8, 8)), target: 'flops', dataset: 'synthetic', trainExamples: 512, testExamples: 128,
        strength: 5, trainSteps: 60, retrainSteps: 40, batchSize: 32, learningRate: 0.01, seed: 3,
      });
      const result = await morphJob.run(spec, ctx) as Record<string, any>;
      const seedWidths = networkFromJson(result.seed.network).layers.map(layerWidth);
      const shrunk = networkFromJson(result.shrunk.network);
      const expanded = networkFromJson(result.expanded.network);
      // A strong FLOP regularizer kills neurons; the expansion spends the freed budget again.
      assert.ok(result.shrunk.flops < result.seed.flops, `shrunk ${result.shrunk.flops} vs seed ${result.seed.flops}`);
      shrunk.layers.forEach((l, i) => assert.ok((layerWidth(l) ?? 0) <= (seedWidths[i] ?? 0)));
      assert.ok(result.expanded.cost <= result.budget);
      assert.equal(result.budget, result.seed.flops);
      assert.ok(result.widthMultiplier > 1);
      assert.equal(layerWidth(expanded.layers.at(-1)!), 10);
      // The synthetic task is easy: well above the 10 % of chance.
      assert.ok(result.expandedAccuracy > 0.5, `expanded accuracy ${result.expandedAccuracy}`);
      assert.ok(ctx.metrics.some((m) => m.values.alive_cost !== undefined));
      assert.equal(ctx.progress.at(-1), 1);
      const artifact = path.join(ctx.artifactDir, 'structure.json');
      assert.ok(existsSync(artifact));
      assert.deepEqual(JSON.parse(readFileSync(artifact, 'utf8')).widthMultiplier, result.widthMultiplier);
    } finally {
      ctx.remove();
    }
  });

  it('stops when cancelled', async () => {
    const abort = new AbortController();
    const ctx = recordingContext(abort.signal);
    abort.abort();
    try {
      const spec = morphJob.validate({ network: networkToJson(tinyNet()), dataset: 'synthetic', trainExamples: 64, testExamples: 16 });
      await assert.rejects(morphJob.run(spec, ctx), /cancelled/);
    } finally {
      ctx.remove();
    }
  });
});
