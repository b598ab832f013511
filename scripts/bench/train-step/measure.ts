// One backend's figures, measured in its own process so peak RSS belongs to that backend alone.
// Run by main.ts as `tsx measure.ts <backend> <convnet steps>`; prints one JSON line.
import { tf, useBackend, type BackendName } from '../../../services/ml/backend.js';
import { buildModel, convBnRelu, serial } from '../../../services/ml/compose.js';

export interface BackendFigures {
  backend: BackendName;
  matmul_gflops: number;
  convnet_steps_per_s: number;
  convnet_gflops: number;
  lstm_steps_per_s: number;
  peak_rss_mb: number;
  /** CPU seconds this process got per wall second (≤ cores): well below 1 means the figures are contended. */
  cpu_share: number;
  /** Throughput per CPU-second consumed: comparable across runs on a shared machine (× cores = ideal). */
  matmul_gflop_per_cpu_s: number;
  convnet_gflop_per_cpu_s: number;
  lstm_cpu_s_per_step: number;
}

/** Seconds per step, by the wall clock and by this process's CPU time (all threads). */
interface Timing { wall: number; cpu: number }

const cpuSeconds = ({ user, system }: NodeJS.CpuUsage) => (user + system) / 1e6;

/** Mean seconds per call of `step` after `warmup` calls (each call must finish its own work). */
async function secondsPerStep(step: () => Promise<void>, steps: number, warmup: number): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await step();
  const [cpu0, t0] = [process.cpuUsage(), performance.now()];
  for (let i = 0; i < steps; i++) await step();
  return { wall: (performance.now() - t0) / 1000 / steps, cpu: cpuSeconds(process.cpuUsage(cpu0)) / steps };
}

const MATMUL_FLOPS = 2 * 1024 ** 3;

async function matmulTiming(steps: number): Promise<Timing> {
  const a = tf.randomNormal([1024, 1024]);
  const b = tf.randomNormal([1024, 1024]);
  const s = await secondsPerStep(async () => {
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
  }, steps, 1);
  tf.dispose([a, b]);
  return s;
}

// CBR convnet: 4 × (3×3 conv, 32 filters, same padding → batch norm → ReLU) on 28×28×1, batch 128,
// then global average pooling and a 10-way softmax.
const CONV = { batch: 128, size: 28, filters: 32, kernel: 3, layers: 4 };

/** Convolution FLOPs of one training step: forward, filter gradient, and input gradient past layer 1. */
function convnetStepFlops(): number {
  const { batch, size, filters, kernel, layers } = CONV;
  const perChannelPair = 2 * batch * size * size * kernel * kernel;
  const forward = perChannelPair * (1 * filters + (layers - 1) * filters * filters);
  const inputGrad = perChannelPair * (layers - 1) * filters * filters;
  return forward + forward + inputGrad;
}

function buildConvnet(): tf.LayersModel {
  const cbr = Array.from({ length: CONV.layers }, () => convBnRelu(CONV.filters, CONV.kernel));
  return buildModel({ shape: [CONV.size, CONV.size, 1] }, serial(...cbr, tf.layers.globalAveragePooling2d({}), tf.layers.dense({ units: 10 })));
}

async function trainSteps(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, steps: number, warmup: number): Promise<Timing> {
  const optimizer = tf.train.adam(1e-3);
  const s = await secondsPerStep(async () => {
    const loss = optimizer.minimize(() => {
      const out = model.apply(x, { training: true }) as tf.Tensor;
      return out.shape.length === 2 && out.shape[1] === 10
        ? tf.losses.softmaxCrossEntropy(y, out) as tf.Scalar
        : tf.losses.meanSquaredError(y, out) as tf.Scalar;
    }, true);
    await loss!.data();
    loss!.dispose();
  }, steps, warmup);
  optimizer.dispose();
  return s;
}

async function convnetTiming(steps: number, warmup: number): Promise<Timing> {
  const model = buildConvnet();
  const x = tf.randomNormal([CONV.batch, CONV.size, CONV.size, 1]);
  const y = tf.oneHot(tf.randomUniform([CONV.batch], 0, 10, 'int32'), 10);
  const timing = await trainSteps(model, x, y, steps, warmup);
  tf.dispose([x, y]);
  model.dispose();
  return timing;
}

// LSTM: input 80, 256 units, 100 time steps, batch 16 (an acoustic-model-sized recurrent layer).
async function lstmTiming(steps: number, warmup: number): Promise<Timing> {
  const model = tf.sequential({ layers: [
    // glorotUniform: the default orthogonal initializer takes minutes to build on cpu (NOTES-stack.md).
    tf.layers.lstm({ inputShape: [100, 80], units: 256, recurrentInitializer: 'glorotUniform' }),
  ] });
  const x = tf.randomNormal([16, 100, 80]);
  const y = tf.randomNormal([16, 256]);
  const timing = await trainSteps(model, x, y, steps, warmup);
  tf.dispose([x, y]);
  model.dispose();
  return timing;
}

export async function measure(backend: BackendName, steps: number): Promise<BackendFigures> {
  await useBackend(backend);
  const [cpu0, wall0] = [process.cpuUsage(), performance.now()];
  // The pure-JS cpu backend needs ~20 s per convnet step: one untimed warm-up would double the run.
  const slow = backend === 'cpu';
  const convnet = await convnetTiming(slow ? 1 : steps, slow ? 0 : 1);
  const matmul = await matmulTiming(slow ? 2 : 5 * steps);
  const lstm = await lstmTiming(slow ? 1 : steps, slow ? 0 : 1);
  return {
    backend,
    matmul_gflops: MATMUL_FLOPS / matmul.wall / 1e9,
    convnet_steps_per_s: 1 / convnet.wall,
    convnet_gflops: convnetStepFlops() / convnet.wall / 1e9,
    lstm_steps_per_s: 1 / lstm.wall,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    cpu_share: cpuSeconds(process.cpuUsage(cpu0)) / ((performance.now() - wall0) / 1000),
    matmul_gflop_per_cpu_s: MATMUL_FLOPS / matmul.cpu / 1e9,
    convnet_gflop_per_cpu_s: convnetStepFlops() / convnet.cpu / 1e9,
    lstm_cpu_s_per_step: lstm.cpu,
  };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const [backend, steps] = process.argv.slice(2);
  console.log(JSON.stringify(await measure(backend as BackendName, Number(steps ?? 3))));
}
