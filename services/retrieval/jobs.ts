// Job types of the retrieval models, discovered by the training orchestrator (services/training/README.md):
// each runs one of the reproducible training scripts (scripts/train/retrieval-*.ts) as a child process,
// writing its checkpoint under the job's artifact folder, forwarding the script's {step, loss} lines as
// metrics, and stopping it when the job is cancelled.
//   retrieval.qgen          — the query generator (BioASQ questions→snippets, titles→abstracts)
//   retrieval.dual-encoder  — the dual encoder on synthetic questions (+ titles, + SciFact train claims)
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JobSpecError, type JobContext, type JobType } from '../ml/job-type.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAX_MINUTES = 240;

export interface QgenSpec {
  minutes: number;
  steps?: number;
  scifact: string;
  cord19: string;
  bioasq: string;
}

export interface DualEncoderSpec {
  /** JSONL files of synthetic questions {doc_id, query} (retrieval-synthetic-queries.ts). */
  queries: string[];
  beir: string;
  minutes: number;
  steps?: number;
  dim: number;
  supervised: boolean;
  titles: boolean;
  seed: number;
}

type Fields = Record<string, unknown>;

function objectSpec(raw: unknown, known: readonly string[]): Fields {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new JobSpecError('spec', 'must be an object');
  const unknown = Object.keys(raw).find((k) => !known.includes(k));
  if (unknown !== undefined) throw new JobSpecError(unknown, 'unknown field');
  return raw as Fields;
}

function existingPath(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') throw new JobSpecError(field, 'must be a non-empty path');
  if (!existsSync(join(REPO_ROOT, value)) && !existsSync(value)) throw new JobSpecError(field, `${value} does not exist`);
  return value;
}

function integer(spec: Fields, field: string, fallback: number | undefined, min: number, max: number): number | undefined {
  const value = spec[field] ?? fallback;
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) throw new JobSpecError(field, `must be an integer in [${min}, ${max}]`);
  return value as number;
}

function boolean(spec: Fields, field: string, fallback: boolean): boolean {
  const value = spec[field] ?? fallback;
  if (typeof value !== 'boolean') throw new JobSpecError(field, 'must be true or false');
  return value;
}

/** Run a training script to completion; resolves with its last JSON line. */
function runScript(script: string, args: string[], minutes: number, ctx: JobContext): Promise<Fields> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const stop = (): boolean => child.kill('SIGTERM');
    ctx.signal.addEventListener('abort', stop, { once: true });
    let last: Fields = {};
    let pending = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (!line.startsWith('{')) continue;
        last = JSON.parse(line) as Fields;
        ctx.log('training script', last);
        if (typeof last.step === 'number' && typeof last.loss === 'number') {
          void ctx.reportMetrics({ loss: last.loss }, last.step);
          if (typeof last.seconds === 'number') void ctx.reportProgress(Math.min(1, last.seconds / (60 * minutes)));
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      ctx.signal.removeEventListener('abort', stop);
      if (ctx.signal.aborted) reject(new Error('cancelled'));
      else if (code === 0) resolve(last);
      else reject(new Error(`${script} exited with ${code ?? signal}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}

const stepsArgs = (steps: number | undefined): string[] => (steps === undefined ? [] : ['--steps', String(steps)]);

export const qgenJob: JobType<QgenSpec, Fields> = {
  name: 'retrieval.qgen',
  description: 'Train the query generator (encoder-decoder) on BioASQ questions→snippets and titles→abstracts',
  validate(raw) {
    const spec = objectSpec(raw, ['minutes', 'steps', 'scifact', 'cord19', 'bioasq']);
    return {
      minutes: integer(spec, 'minutes', 20, 1, MAX_MINUTES)!,
      steps: integer(spec, 'steps', undefined, 1, 1e7),
      scifact: existingPath(spec.scifact ?? '../shared/data/scifact', 'scifact'),
      cord19: existingPath(spec.cord19 ?? '../shared/data/cord19-sample/metadata.csv', 'cord19'),
      bioasq: existingPath(spec.bioasq ?? '../shared/data/bioasq-sample/questions.json', 'bioasq'),
    };
  },
  async run(spec, ctx) {
    const out = join(ctx.artifactDir, 'query-generator');
    const args = ['--scifact', spec.scifact, '--cord19', spec.cord19, '--bioasq', spec.bioasq, '--minutes', String(spec.minutes), ...stepsArgs(spec.steps), '--out', out];
    const last = await runScript('scripts/train/retrieval-qgen.ts', args, spec.minutes, ctx);
    return { model_artifacts: 'query-generator/', steps: last.steps ?? null, loss: last.loss ?? null };
  },
};

export const dualEncoderJob: JobType<DualEncoderSpec, Fields> = {
  name: 'retrieval.dual-encoder',
  description: 'Train the dual encoder on synthetic questions with in-batch + BM25 hard negatives; tune k on dev',
  validate(raw) {
    const spec = objectSpec(raw, ['queries', 'beir', 'minutes', 'steps', 'dim', 'supervised', 'titles', 'seed']);
    if (!Array.isArray(spec.queries) || spec.queries.length === 0) throw new JobSpecError('queries', 'must be a non-empty list of JSONL paths');
    const queries = spec.queries.map((path, i) => existingPath(path, `queries[${i}]`));
    return {
      queries,
      beir: existingPath(spec.beir ?? '../shared/data/scifact', 'beir'),
      minutes: integer(spec, 'minutes', 20, 1, MAX_MINUTES)!,
      steps: integer(spec, 'steps', undefined, 1, 1e7),
      dim: integer(spec, 'dim', 128, 8, 1024)!,
      supervised: boolean(spec, 'supervised', true),
      titles: boolean(spec, 'titles', true),
      seed: integer(spec, 'seed', 11, 0, 2 ** 31)!,
    };
  },
  async run(spec, ctx) {
    const out = join(ctx.artifactDir, 'dual-encoder');
    const args = ['--beir', spec.beir, '--queries', spec.queries.join(','), '--minutes', String(spec.minutes), ...stepsArgs(spec.steps),
      '--dim', String(spec.dim), '--supervised', spec.supervised ? '1' : '0', '--titles', spec.titles ? '1' : '0', '--seed', String(spec.seed), '--out', out];
    const last = await runScript('scripts/train/retrieval-dual-encoder.ts', args, spec.minutes, ctx);
    return { model_artifacts: 'dual-encoder/', default_term_weight: last.defaultTermWeight ?? null };
  },
};

export const jobTypes: JobType<any, any>[] = [qgenJob, dualEncoderJob];
