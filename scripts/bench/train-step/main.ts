// Training-step benchmark for every tfjs backend this machine can start (issue 3): matmul 1024² GFLOP/s,
// CBR convnet (4× conv-BN-ReLU, 28×28×1, batch 128) and LSTM (80 → 256 units, 100 steps, batch 16)
// forward+backward steps/s, peak RSS; and the same work per CPU-second, which stays comparable when other
// processes share the cores (CPU share = CPU-seconds this process got per wall second). One child per backend.
// Usage: npm run bench:train-step -- [--steps N] [--backends tensorflow,wasm,cpu] [--json]
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { availableBackends, type BackendName } from '../../../services/ml/backend.js';
import type { BackendFigures } from './measure.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const json = process.argv.includes('--json');
const steps = Number(arg('steps') ?? 3);
if (!Number.isInteger(steps) || steps < 1) throw new Error('--steps must be a positive integer');
const backends = (arg('backends')?.split(',') as BackendName[] | undefined) ?? await availableBackends();

const measureScript = fileURLToPath(new URL('./measure.ts', import.meta.url));
const rows: BackendFigures[] = [];
for (const backend of backends) {
  process.stderr.write(`measuring ${backend}…\n`);
  const out = execFileSync(process.execPath, ['--import', 'tsx', measureScript, backend, String(steps)], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20,
  });
  rows.push(JSON.parse(out.trim().split('\n').pop()!) as BackendFigures);
  process.stderr.write(`${JSON.stringify(rows[rows.length - 1])}\n`); // progress: the cpu backend takes minutes
}

const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const header = ['backend', 'matmul GFLOP/s', 'convnet steps/s', 'convnet GFLOP/s', 'lstm steps/s', 'peak RSS MB', 'CPU share', 'matmul GFLOP/CPU-s', 'convnet GFLOP/CPU-s', 'lstm CPU-s/step'];
const table = [header, ...rows.map((r) => [r.backend, fmt(r.matmul_gflops), fmt(r.convnet_steps_per_s), fmt(r.convnet_gflops), fmt(r.lstm_steps_per_s), fmt(r.peak_rss_mb), fmt(r.cpu_share),
  fmt(r.matmul_gflop_per_cpu_s), fmt(r.convnet_gflop_per_cpu_s), fmt(r.lstm_cpu_s_per_step)])];
const widths = header.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
for (const row of table) console.log(row.map((cell, c) => cell.padStart(widths[c]!)).join('  '));
console.log(`\nrerun: npm run bench:train-step -- --steps ${steps} --backends ${backends.join(',')}${json ? ' --json' : ''}`);

const best = rows.reduce((a, b) => (b.convnet_steps_per_s > a.convnet_steps_per_s ? b : a));
const cpu = rows.find((r) => r.backend === 'cpu');
if (json) {
  console.log(JSON.stringify({
    best_backend: best.backend,
    convnet_speedup_vs_cpu: cpu ? best.convnet_steps_per_s / cpu.convnet_steps_per_s : null,
    convnet_gflops: best.convnet_gflops,
    convnet_steps_per_s: best.convnet_steps_per_s,
    lstm_steps_per_s: best.lstm_steps_per_s,
    matmul_gflops: best.matmul_gflops,
    peak_rss_mb: best.peak_rss_mb,
    cpu_share: best.cpu_share,
    matmul_gflop_per_cpu_s: best.matmul_gflop_per_cpu_s,
    convnet_gflop_per_cpu_s: best.convnet_gflop_per_cpu_s,
    ...Object.fromEntries(rows.flatMap((r) => [[`${r.backend}_convnet_steps_per_s`, r.convnet_steps_per_s], [`${r.backend}_matmul_gflops`, r.matmul_gflops], [`${r.backend}_lstm_steps_per_s`, r.lstm_steps_per_s]])),
  }));
}
