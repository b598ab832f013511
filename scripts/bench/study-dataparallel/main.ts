// Reduced CPU-budget run of the data-parallel study (Shallue et al. 2018): MLP on MNIST, batch sizes 2^3…2^10,
// a Halton search of learning rate (and momentum) per batch size, best steps to the target validation
// accuracy, three-regime fit. Every trial is one `studies.dataparallel-trial` job of an orchestrator study:
// by default an in-process training server whose local executor runs `--workers` worker processes at once;
// with `--orchestrator HOST:PORT` an existing one, whatever its executor (local or Kubernetes Jobs).
// The study's artifacts (results.json, steps-vs-batch.svg, summary.md) are those of its summary job, copied to --out.
//   npm run bench:study-dataparallel -- [--workers 2] [--orchestrator HOST:PORT] [--trials 6] [--budget 1000]
//     [--target 0.9] [--lr 0.05,8] [--batches 8,16,…] [--dataset mnist --model mlp] [--train N] [--val N] [--out DIR] [--json]
// --json: perfect_scaling_slope, max_useful_batch (SGD), momentum_perfect_scaling_slope, momentum_max_useful_batch,
// <optimizer>_steps_b<B>, trial_jobs, failed_trials, seconds.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport, Http2SessionManager } from '@connectrpc/connect-node';
import { JobState } from '../../../gen/nnsuite/common/v1/job_pb.js';
import { StudyState, TrainingService } from '../../../gen/nnsuite/training/v1/training_pb.js';
import { validateDataParallelSpec } from '../../../services/studies/dataparallel-job.js';
import { dataParallelTable, regimeLines } from '../../../services/studies/dataparallel-report.js';
import { downloadArtifacts, runDataParallelStudy } from '../../../services/studies/dataparallel-study.js';
import { jobTypes } from '../../../services/studies/jobs.js';
import { JobRegistry } from '../../../services/training/job-registry.js';
import { LocalExecutor } from '../../../services/training/local-executor.js';
import { startTrainingServer, type TrainingServer } from '../../../services/training/training-server.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const numbers = (s: string) => s.split(',').map(Number);

const json = process.argv.includes('--json');
const ENDED = [JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED];
const workers = Number(arg('workers', '2'));
const out = arg('out', '') || mkdtempSync(path.join(os.tmpdir(), 'study-dataparallel-'));
mkdirSync(out, { recursive: true });
const spec = validateDataParallelSpec({
  dataset: arg('dataset', 'mnist'),
  model: arg('model', 'mlp'),
  batchSizes: numbers(arg('batches', '8,16,32,64,128,256,512,1024')),
  trialsPerBatch: Number(arg('trials', '6')),
  stepBudget: Number(arg('budget', '1000')),
  targetAccuracy: Number(arg('target', '0.9')),
  learningRateRange: numbers(arg('lr', '0.05,8')),
  trainExamples: Number(arg('train', '10000')),
  valExamples: Number(arg('val', '1000')),
  seed: Number(arg('seed', '1')),
});

let server: TrainingServer | undefined, dataDir: string | undefined;
let address = arg('orchestrator', '');
if (!address) {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'study-dataparallel-orchestrator-'));
  server = await startTrainingServer({
    dataDir, port: 0, httpPort: 0, env: { ...process.env, NNSUITE_LOG_LEVEL: 'warn' },
    executor: new LocalExecutor({ capacity: workers }), registry: new JobRegistry().register(...jobTypes),
  });
  address = `127.0.0.1:${server.running.port}`;
}
const sessions = new Http2SessionManager(`http://${address}`);
const client = createClient(TrainingService, createGrpcTransport({ baseUrl: `http://${address}`, sessionManager: sessions }));
const started = Date.now();
try {
  const run = await runDataParallelStudy(client, spec, workers, (study) => {
    if (!json) process.stderr.write(`\r${study.trials.filter((t) => ENDED.includes(t.state)).length}/${study.maxTrials} trials ${StudyState[study.state]}   `);
  });
  const seconds = (Date.now() - started) / 1000;
  await downloadArtifacts(client, run.summaryJob, ['results.json', 'steps-vs-batch.svg', 'summary.md'], out);
  const { result } = run;
  console.log(`\n${dataParallelTable(result)}\n\n${regimeLines(result).join('\n')}\n`);
  if (run.failedTrials.length) console.log(`failed trials:\n${run.failedTrials.join('\n')}\n`);
  console.log(`${result.trials.length} trial jobs of ${run.study} on ${address}, ${workers} at a time; artifacts of ${run.summaryJob} copied to ${out}  (${seconds.toFixed(0)} s)`);
  console.log(`rerun: npm run bench:study-dataparallel -- ${process.argv.slice(2).join(' ')}`);
  if (json) {
    const headline: Record<string, number | null> = { seconds, trial_jobs: result.trials.length, failed_trials: run.failedTrials.length, workers };
    for (const curve of result.curves) {
      const p = curve.optimizer === 'sgd' ? '' : `${curve.optimizer}_`;
      headline[`${p}perfect_scaling_slope`] = curve.fit?.slopes[0] ?? null;
      headline[`${p}max_useful_batch`] = curve.fit?.maxUsefulBatch ?? null;
      for (const pt of curve.points) headline[`${curve.optimizer}_steps_b${pt.batchSize}`] = pt.steps;
    }
    console.log(JSON.stringify(headline));
  }
} finally {
  sessions.abort();
  await server?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
