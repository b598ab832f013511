// The backend choice is honoured when forced (each case in a fresh process, since the choice is
// per-process), and a convnet and an LSTM train on every backend this machine can start.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { availableBackends, initBackend, tf, useBackend, type BackendName } from './backend.js';
import { buildModel, convBnRelu, serial } from './compose.js';

const run = promisify(execFile);
const PROBE = `import { initBackend, tf } from './services/ml/backend.ts';
const chosen = await initBackend(); console.log(JSON.stringify({ chosen, active: tf.getBackend() }));`;

async function chooseIn(env: Record<string, string>): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', PROBE], {
    env: { ...process.env, ...env }, cwd: new URL('../../', import.meta.url).pathname,
  });
}

describe('backend choice', function () {
  this.timeout(120_000);
  let available: BackendName[];
  let processBackend: BackendName;
  before(async () => {
    processBackend = await initBackend();
    available = await availableBackends();
  });
  after(() => useBackend(processBackend));

  it('always offers cpu, and picks the first available when not forced', async () => {
    assert.ok(available.includes('cpu'));
    const { stdout, stderr } = await chooseIn({ NNSUITE_TF_BACKEND: '' });
    assert.deepEqual(JSON.parse(stdout.trim().split('\n').pop()!), { chosen: available[0], active: available[0] });
    const log = stderr.split('\n').find((l) => l.includes('"tfjs backend"'));
    assert.ok(log, `no backend log line in ${stderr}`);
    assert.equal(JSON.parse(log).backend, available[0]);
  });

  for (const forced of ['cpu', 'wasm', 'tensorflow'] as const) {
    it(`honours NNSUITE_TF_BACKEND=${forced}`, async function () {
      if (!available.includes(forced)) this.skip();
      const { stdout, stderr } = await chooseIn({ NNSUITE_TF_BACKEND: forced });
      assert.deepEqual(JSON.parse(stdout.trim().split('\n').pop()!), { chosen: forced, active: forced });
      assert.match(stderr, /"reason":"forced"/);
    });
  }

  it('rejects an unknown NNSUITE_TF_BACKEND naming the allowed values', async () => {
    await assert.rejects(chooseIn({ NNSUITE_TF_BACKEND: 'tpu' }), (e: Error & { stderr: string }) => /NNSUITE_TF_BACKEND='tpu' is not one of tensorflow\|wasm\|cpu/.test(e.stderr));
  });
});

/** Mean loss of the first and the last of `steps` Adam steps on one fixed batch. */
async function firstAndLastLoss(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, lossFn: (y: tf.Tensor, p: tf.Tensor) => tf.Tensor, steps: number): Promise<[number, number]> {
  const optimizer = tf.train.adam(0.01);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const loss = optimizer.minimize(() => lossFn(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true)!;
    losses.push((await loss.data())[0]!);
    loss.dispose();
  }
  optimizer.dispose();
  return [losses[0]!, losses[losses.length - 1]!];
}

describe('training on every available backend', function () {
  this.timeout(180_000);
  let processBackend: BackendName;
  let available: BackendName[] = [];
  before(async () => {
    processBackend = await initBackend();
    available = await availableBackends();
  });
  after(() => useBackend(processBackend));

  for (const backend of ['tensorflow', 'wasm', 'cpu'] as const) {
    it(`${backend}: a CBR convnet's loss falls`, async function () {
      if (!available.includes(backend)) this.skip();
      await useBackend(backend);
      const model = buildModel({ shape: [8, 8, 1] }, serial(
        convBnRelu(4), convBnRelu(4, 3, 2), tf.layers.globalAveragePooling2d({}), tf.layers.dense({ units: 3 }),
      ));
      // Learnable labels: the class is which third of the image is brightest.
      const x = tf.randomUniform([24, 8, 8, 1], 0, 1, 'float32', 1);
      const y = tf.oneHot(tf.tidy(() => tf.stack([0, 1, 2].map((k) => x.slice([0, 0, k * 2, 0], [24, 8, 3, 1]).mean([1, 2, 3])), 1).argMax(1)), 3);
      const [first, last] = await firstAndLastLoss(model, x, y, (t, p) => tf.losses.softmaxCrossEntropy(t, p), 25);
      assert.ok(last < 0.8 * first, `loss ${first} → ${last}`);
      tf.dispose([x, y]);
      model.dispose();
    });

    it(`${backend}: an embedding + LSTM's loss falls`, async function () {
      if (!available.includes(backend)) this.skip();
      await useBackend(backend);
      const model = buildModel({ shape: [6], dtype: 'int32' }, serial(
        tf.layers.embedding({ inputDim: 10, outputDim: 8 }),
        tf.layers.lstm({ units: 8, recurrentInitializer: 'glorotUniform' }),
        tf.layers.dense({ units: 1 }),
      ));
      // Target: the mean token id of the sequence (needs the recurrence to integrate over time).
      const ids = tf.randomUniform([16, 6], 0, 10, 'int32', 2);
      const y = ids.cast('float32').mean(1, true).div(10);
      const [first, last] = await firstAndLastLoss(model, ids, y, (t, p) => tf.losses.meanSquaredError(t, p), 25);
      assert.ok(last < 0.5 * first, `loss ${first} → ${last}`);
      tf.dispose([ids, y]);
      model.dispose();
    });
  }
});
