// Checkpoints: a saved model reloads with identical predictions and its config; an interrupted training
// run resumed from its newest checkpoint ends with exactly the weights of an uninterrupted run (so the
// optimizer slots and step count were restored too); int8 export is ~4× smaller and within its bound.
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, tf } from './backend.js';
import { latestCheckpoint, loadModel, restoreCheckpoint, saveCheckpoint, saveModel, variables } from './checkpoint.js';
import { buildModel, convBnRelu, residual, serial } from './compose.js';
import { cosineDecay, withWarmup } from './lr-schedules.js';
import { trainLoop } from './train-loop.js';

interface TinyConfig { filters: number; classes: number }

function buildTiny(config: TinyConfig): tf.LayersModel {
  return buildModel({ shape: [8, 8, 2] }, serial(
    convBnRelu(config.filters),
    residual(convBnRelu(config.filters)),
    tf.layers.flatten(),
    tf.layers.dense({ units: config.classes, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
  ));
}

/** Fresh model with deterministic weights (tfjs initializers are unseeded by default). */
function seededTiny(config: TinyConfig): tf.LayersModel {
  const model = buildTiny(config);
  // Kernels only: batch-norm's moving variance must stay positive.
  model.setWeights(model.getWeights().map((w, i) => (w.rank >= 2 ? tf.randomNormal(w.shape, 0, 0.3, 'float32', 100 + i) : w)));
  return model;
}

const CONFIG: TinyConfig = { filters: 6, classes: 3 };
const X = () => tf.randomNormal([10, 8, 8, 2], 0, 1, 'float32', 7);
const Y = () => tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0], 'int32'), 3);

describe('checkpoint', function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => { await initBackend(); });
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'nnsuite-ckpt-')); });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('saveModel/loadModel round-trips predictions and the config object', async () => {
    const model = seededTiny(CONFIG);
    const x = X();
    const before = model.predict(x) as tf.Tensor;
    await saveModel(join(dir, 'tiny'), model, CONFIG);
    const { model: loaded, config } = await loadModel<TinyConfig>(join(dir, 'tiny'));
    assert.deepEqual(config, CONFIG);
    const after = loaded.predict(x) as tf.Tensor;
    assert.deepEqual(Array.from(await after.data()), Array.from(await before.data()));
    tf.dispose([x, before, after]);
    model.dispose();
    loaded.dispose();
  });

  it('int8 export is ≥3.5× smaller and its predictions stay close', async () => {
    // Wider layers so the kernels dominate the file, as in real models.
    const model = seededTiny({ filters: 32, classes: 10 });
    await saveModel(join(dir, 'f32'), model);
    await saveModel(join(dir, 'int8'), model, undefined, { quantize: 'int8' });
    const f32 = (await stat(join(dir, 'f32', 'weights.bin'))).size;
    const int8 = (await stat(join(dir, 'int8', 'weights.bin'))).size;
    assert.ok(f32 / int8 >= 3.5, `size ratio ${f32 / int8}`);
    const { model: loaded } = await loadModel(join(dir, 'int8'));
    const x = X();
    const [p, q] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
    const rel = (await tf.norm(tf.sub(p, q)).data())[0]! / (await tf.norm(p).data())[0]!;
    assert.ok(rel < 0.05, `relative output error ${rel}`);
    assert.ok(rel > 0, 'quantization changed nothing: the int8 path was not taken');
    tf.dispose([x, p, q]);
    model.dispose();
    loaded.dispose();
  });

  it('a resumed training run ends with the weights of an uninterrupted one', async () => {
    const schedule = withWarmup(cosineDecay(0.05, 8), 2);
    const train = async (model: tf.LayersModel, steps: number, ckpt?: string) => trainLoop({
      model, optimizer: tf.train.adam(0.05), steps, learningRate: schedule, logEvery: 2,
      nextBatch: () => ({ x: X(), y: Y() }),
      loss: ({ x, y }) => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
      checkpoint: ckpt ? { dir: ckpt, every: 3, keep: 2 } : undefined,
    });

    const straight = seededTiny(CONFIG);
    const whole = await train(straight, 8);
    assert.equal(whole.resumedFrom, 0);

    const first = seededTiny(CONFIG);
    const partial = await train(first, 5, join(dir, 'run'));
    assert.equal(partial.step, 5);
    const resumed = seededTiny(CONFIG); // a new process would rebuild the model from its config
    const rest = await train(resumed, 8, join(dir, 'run'));
    assert.equal(rest.resumedFrom, 5);
    assert.equal(rest.step, 8);
    assert.ok(rest.loss < whole.loss * 1.0001 + 1e-6 && rest.loss > whole.loss * 0.9999 - 1e-6, `loss ${rest.loss} vs ${whole.loss}`);

    const a = straight.getWeights();
    const b = resumed.getWeights();
    for (let i = 0; i < a.length; i++) {
      const diff = (await tf.max(tf.abs(tf.sub(a[i]!, b[i]!))).data())[0]!;
      assert.ok(diff < 1e-5, `weight ${i} differs by ${diff}`);
    }
    assert.match((await latestCheckpoint(join(dir, 'run')))!, /step-0+8$/);
    [straight, first, resumed].forEach((m) => m.dispose());
  });

  it('checkpoints plain variables and refuses a checkpoint of another shape', async () => {
    const v: tf.Variable[] = [tf.variable(tf.tensor2d([[1, 2], [3, 4]])), tf.variable(tf.tensor1d([5]))];
    const path = await saveCheckpoint(dir, variables(v), { step: 4, note: 'kept' });
    v[0]!.assign(tf.zeros([2, 2]));
    const state = await restoreCheckpoint(path, variables(v));
    assert.deepEqual(state, { step: 4, note: 'kept' });
    assert.deepEqual(Array.from(await v[0]!.data()), [1, 2, 3, 4]);
    await assert.rejects(restoreCheckpoint(path, variables([tf.variable(tf.zeros([3]))])), /does not match the model/);
  });
});
