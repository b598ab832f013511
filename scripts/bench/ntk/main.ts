// ntk benchmark (issue 9): analytic NNGP+NTK kernel time and memory for N inputs on a 3-layer FC ReLU net
// (MNIST, 784-d) and a small CNN with global average pooling (8×8 MNIST); NNGP / NTK (t = ∞) test accuracy
// on MNIST and Fashion-MNIST training subsets next to the same finite network trained by SGD; analytic vs
// Monte-Carlo / empirical relative error; and, where `neural-tangents` imports in Python, its time and max
// abs difference on the same kernels (scripts/bench/ntk/peer.py).
// Usage: npm run bench:ntk -- [--sizes 1000,2000,4000] [--train 1000,5000] [--test 1000] [--cnn-budget-s 900]
//        [--python PATH | --no-peer] [--mnist DIR] [--fashion DIR] [--json]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '../../../services/ml/backend.js';
import { mat } from '../../../services/ml/linalg64.js';
import { computeKernel } from '../../../services/ntk/analytic-kernel.js';
import type { Architecture, Layer } from '../../../services/ntk/architecture.js';
import { empiricalKernel } from '../../../services/ntk/empirical-kernel.js';
import type { Inputs } from '../../../services/ntk/kernel-block.js';
import { predict } from '../../../services/ntk/predict.js';
import { DATASET_DIRS, loadSplit, type Split } from '../../../services/ml/idx-datasets.js';
import { accuracy, centredOneHot, pixelStats, smallImages, vectors } from './datasets.js';
import { trainFinite } from './finite-sgd.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const list = (s: string) => s.split(',').map(Number);
const json = process.argv.includes('--json');
const sizes = list(arg('sizes', '1000,2000,4000'));
const trainSizes = list(arg('train', '1000,5000'));
const testSize = Number(arg('test', '1000'));
const cnnBudget = Number(arg('cnn-budget-s', '900'));
const python = process.argv.includes('--no-peer') ? null : arg('python', process.env.NNSUITE_NTK_PEER_PYTHON ?? 'python3');
const dirs = { mnist: arg('mnist', DATASET_DIRS.mnist), fashion: arg('fashion', DATASET_DIRS.fashion) };
const limits = { memoryLimitBytes: 6 * 2 ** 30 };
const both = { nngp: true, ntk: true };
const log = (msg: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);

// The architectures of peer.py: W_std 1.5, b_std 0.05, NTK parameterization.
const W = 1.5, B = 0.05;
const dense: Layer = { kind: 'dense', wStd: W, bStd: B };
const relu: Layer = { kind: 'activation', name: 'Relu', act: { fn: 'abRelu', a: 0, b: 1 } };
const fc: Architecture = { parameterization: 'ntk', width: 512, root: { kind: 'serial', layers: [dense, relu, dense, relu, dense, relu, dense] } };
const conv = (strides: [number, number]): Layer => ({ kind: 'conv', window: [3, 3], strides, padding: 'same', wStd: W, bStd: B });
const cnn: Architecture = { parameterization: 'ntk', width: 512, root: { kind: 'serial', layers: [conv([2, 2]), relu, conv([1, 1]), relu, { kind: 'globalAvgPool' }, dense] } };

await initBackend();
const mnistTrain = loadSplit(dirs.mnist, 'train', Math.max(...sizes, ...trainSizes));
const stats = pixelStats(mnistTrain);
const first = (x: Inputs, n: number): Inputs => ({ ...x, n, data: x.data.subarray(0, (x.data.length / x.n) * n) });

// 1. Kernel time and memory.
// Wall time and this process's CPU time: on a shared machine the CPU seconds are the comparable figure.
interface KernelRow { net: string; n: number; seconds: number | null; cpuSeconds?: number; estimate?: number; rssMb: number; kernelMb: number }
const kernelRows: KernelRow[] = [];
const peerDir = mkdtempSync(join(tmpdir(), 'ntk-peer-'));
const peerJobs: { name: string; arch: string; x: string; shape: number[]; ours: string | null }[] = [];
for (const [name, arch, inputs] of [['fc', fc, vectors(mnistTrain, stats.mean, stats.sd)], ['cnn', cnn, smallImages(mnistTrain, stats.mean, stats.sd)]] as const) {
  let previous: { n: number; seconds: number } | null = null;
  for (const n of sizes) {
    const estimate = previous ? previous.seconds * (n / previous.n) ** 2 : 0;
    const kernelMb = (n * n * 16) / 2 ** 20;
    if (estimate > cnnBudget) {
      kernelRows.push({ net: name, n, seconds: null, estimate, rssMb: 0, kernelMb });
      log(`${name} N=${n}: skipped, estimated ${estimate.toFixed(0)} s > --cnn-budget-s ${cnnBudget}`);
      continue;
    }
    const x = first(inputs, n);
    const start = performance.now(), cpu = process.cpuUsage();
    const k = await computeKernel(arch, x, null, both, limits);
    const seconds = (performance.now() - start) / 1000, used = process.cpuUsage(cpu), cpuSeconds = (used.user + used.system) / 1e6;
    kernelRows.push({ net: name, n, seconds, cpuSeconds, rssMb: process.memoryUsage().rss / 2 ** 20, kernelMb });
    log(`${name} N=${n}: ${seconds.toFixed(1)} s wall, ${cpuSeconds.toFixed(1)} s CPU`);
    previous = { n, seconds };
    const xFile = `${name}-${n}.x.f64`;
    writeFileSync(join(peerDir, xFile), Buffer.from(x.data.buffer, x.data.byteOffset, x.data.byteLength));
    let ours: string | null = null;
    if (n === sizes[0]) {
      ours = `${name}-${n}.ours.f64`;
      const pair = new Float64Array(2 * n * n);
      pair.set(k.nngp!);
      pair.set(k.ntk!, n * n);
      writeFileSync(join(peerDir, ours), Buffer.from(pair.buffer));
    }
    peerJobs.push({ name: `${name}-${n}`, arch: name, x: xFile, shape: x.image ? [n, 8, 8, 1] : [n, 784], ours });
  }
}

// 2. Test accuracy: NNGP posterior and NTK gradient descent at t = ∞ vs the finite net trained by SGD.
interface AccuracyRow { dataset: string; train: number; nngp: number; ntk: number; finite: number; seconds: number }
const accuracyRows: AccuracyRow[] = [];
for (const dataset of ['mnist', 'fashion'] as const) {
  let train: Split, test: Split;
  try {
    train = loadSplit(dirs[dataset], 'train', Math.max(...trainSizes));
    test = loadSplit(dirs[dataset], 't10k', testSize);
  } catch (error) {
    log(`${dataset}: skipped (${(error as Error).message})`);
    continue;
  }
  const s = pixelStats(train), xAll = vectors(train, s.mean, s.sd), xTest = vectors(test, s.mean, s.sd);
  for (const n of trainSizes) {
    const start = performance.now();
    const xTrain = first(xAll, n), labels = train.labels.subarray(0, n), y = centredOneHot(labels);
    const dd = await computeKernel(fc, xTrain, null, both, limits), td = await computeKernel(fc, xTest, xTrain, both, limits);
    const kernels = { nngpTrain: mat(n, n, dd.nngp!), ntkTrain: mat(n, n, dd.ntk!), nngpTestTrain: mat(test.n, n, td.nngp!), ntkTestTrain: mat(test.n, n, td.ntk!) };
    const options = { times: [Infinity], diagReg: 1e-4, diagRegAbsolute: false, covariance: 'none' } as const;
    const [nngp] = predict(kernels, mat(n, 10, y), { ...options, method: 'nngpPosterior' });
    const [ntk] = predict(kernels, mat(n, 10, y), { ...options, method: 'ntkGradientDescent' });
    const seconds = (performance.now() - start) / 1000;
    const finite = await trainFinite(fc, xTrain, y, xTest, { width: 512, epochs: n <= 1000 ? 40 : 20, batch: 64, learningRate: 1, momentum: 0.9, seed: 1 });
    accuracyRows.push({ dataset, train: n, nngp: accuracy(nngp.mean.data, test.labels), ntk: accuracy(ntk.mean.data, test.labels), finite: accuracy(finite, test.labels), seconds });
    log(`${dataset} ${n}: ${JSON.stringify(accuracyRows[accuracyRows.length - 1])}`);
  }
}

// 3. Analytic vs Monte-Carlo NNGP and empirical NTK (width 1024) on 16 MNIST inputs.
const mcInputs = first(vectors(mnistTrain, stats.mean, stats.sd), 16);
const analytic = await computeKernel(fc, mcInputs, null, both, limits);
const mc = await empiricalKernel(fc, mcInputs, null, { width: 1024, samples: 8, seed: 1, kinds: { nngp: true, ntk: false } });
const emp = await empiricalKernel(fc, mcInputs, null, { width: 1024, samples: 4, seed: 2, kinds: { nngp: false, ntk: true } });
const rel = (a: Float64Array, b: Float64Array) => Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0) / a.reduce((s, v) => s + v * v, 0));
const mcRelErr = rel(analytic.nngp!, mc.nngp!), ntkRelErr = rel(analytic.ntk!, emp.ntk!);
log(`MC NNGP rel err ${mcRelErr.toFixed(4)}, empirical NTK rel err ${ntkRelErr.toFixed(4)}`);

// 4. The neural-tangents peer column, when Python can import it.
let peer: Map<string, { seconds: number; cpu_seconds: number; max_abs_diff_nngp?: number; max_abs_diff_ntk?: number }> | null = null;
let peerNote = 'skipped (--no-peer)';
if (python) {
  writeFileSync(join(peerDir, 'manifest.json'), JSON.stringify({ jobs: peerJobs }));
  try {
    log(`neural-tangents peer: ${python} peer.py (${peerJobs.length} kernels)`);
    const out = execFileSync(python, [fileURLToPath(new URL('./peer.py', import.meta.url)), peerDir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 2_400_000 });
    peer = new Map((JSON.parse(out.trim().split('\n').pop()!).jobs as { name: string; seconds: number; cpu_seconds: number }[]).map((j) => [j.name, j]));
    peerNote = `neural-tangents via ${python}`;
  } catch (error) {
    peerNote = `unavailable (${(error as Error).message.split('\n')[0].slice(0, 120)})`;
  }
}
rmSync(peerDir, { recursive: true, force: true });

// Report.
const f = (v: number | null | undefined, digits = 2) => (v === null || v === undefined ? '–' : v.toFixed(digits));
const print = (header: string[], rows: string[][]) => {
  const widths = header.map((_, c) => Math.max(header[c].length, ...rows.map((r) => r[c].length)));
  for (const row of [header, ...rows]) console.log(row.map((cell, c) => cell.padStart(widths[c])).join('  '));
  console.log('');
};
console.log('analytic NNGP+NTK kernel, N×N, float64 (this suite) vs neural-tangents (JAX CPU float64, incl. compile)');
print(['net', 'N', 'wall s', 'CPU s', 'peak RSS MiB', 'kernels MiB', 'nt wall s', 'nt CPU s', 'nt max|Δnngp|', 'nt max|Δntk|'], kernelRows.map((r) => {
  const p = peer?.get(`${r.net}-${r.n}`);
  return [r.net, String(r.n), r.seconds === null ? `skipped (est ${f(r.estimate, 0)})` : f(r.seconds), f(r.cpuSeconds), f(r.rssMb, 0), f(r.kernelMb, 0), f(p?.seconds), f(p?.cpu_seconds), p?.max_abs_diff_nngp === undefined ? '–' : p.max_abs_diff_nngp.toExponential(1), p?.max_abs_diff_ntk === undefined ? '–' : p.max_abs_diff_ntk.toExponential(1)];
}));
console.log(`test accuracy on ${testSize} test images: FC net, NNGP posterior and NTK t=∞ (diag_reg 1e-4), finite width 512 trained by SGD (momentum 0.9, lr 1, batch 64, 40/20 epochs)`);
print(['dataset', 'train', 'NNGP', 'NTK', 'finite SGD', 'kernel+solve s'], accuracyRows.map((r) => [r.dataset, String(r.train), f(r.nngp, 4), f(r.ntk, 4), f(r.finite, 4), f(r.seconds, 1)]));
console.log(`analytic vs finite width 1024 on 16 MNIST inputs: Monte-Carlo NNGP (8 nets) rel err ${f(mcRelErr, 4)}, empirical NTK (4 nets) rel err ${f(ntkRelErr, 4)}`);
console.log(`peer: ${peerNote}`);
console.log(`\nrerun: npm run bench:ntk -- --sizes ${sizes.join(',')} --train ${trainSizes.join(',')} --test ${testSize} --cnn-budget-s ${cnnBudget}${python ? ` --python ${python}` : ' --no-peer'}${json ? ' --json' : ''}`);

if (json) {
  const headline = accuracyRows.filter((r) => r.dataset === 'mnist').pop();
  const fashion = accuracyRows.filter((r) => r.dataset === 'fashion').pop();
  const time = (net: string, n: number) => kernelRows.find((r) => r.net === net && r.n === n)?.seconds ?? null;
  console.log(JSON.stringify({
    nngp_accuracy: headline?.nngp ?? null, ntk_accuracy: headline?.ntk ?? null, finite_accuracy: headline?.finite ?? null,
    fashion_nngp_accuracy: fashion?.nngp ?? null, fashion_ntk_accuracy: fashion?.ntk ?? null, fashion_finite_accuracy: fashion?.finite ?? null,
    mc_rel_err: mcRelErr, ntk_empirical_rel_err: ntkRelErr,
    kernel_4k_s: time('fc', 4000), kernel_4k_cpu_s: kernelRows.find((r) => r.net === 'fc' && r.n === 4000)?.cpuSeconds ?? null, cnn_kernel_4k_s: time('cnn', 4000), cnn_kernel_1k_s: time('cnn', 1000),
    peer_kernel_4k_s: peer?.get('fc-4000')?.seconds ?? null, peer_kernel_4k_cpu_s: peer?.get('fc-4000')?.cpu_seconds ?? null,
    peer_max_abs_diff_ntk: peer?.get(`fc-${sizes[0]}`)?.max_abs_diff_ntk ?? null,
  }));
}
