// `morphnet.morph`: the MorphNet cycle as a training job (services/ml/job-type.ts). The spec carries the
// seed network in the contract's protobuf-JSON form (the same as `nnsuite morphnet cost NET.json`).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { initBackend } from '../ml/backend.js';
import { JobSpecError, type JobContext, type JobType } from '../ml/job-type.js';
import { coefficients, TARGETS, type Target } from './cost-model.js';
import { BudgetError, solveWidthMultiplier } from './expand.js';
import { FASHION_MNIST_DIR, loadIdxDataset as loadFashionMnist, type Dataset } from '../ml/idx-datasets.js';
import { syntheticDataset } from './fashion-mnist.js';
import { costFunction, runCycle, type CycleOptions, type CycleResult, type StructureReport } from './morph-cycle.js';
import { checkNetwork, NetworkError, type Graph } from './network.js';
import { networkFromJson, networkToJson } from './network-proto.js';

export const DATASETS = ['fashion-mnist', 'synthetic'] as const;

export interface MorphSpec extends CycleOptions {
  dataset: (typeof DATASETS)[number];
  /** Folder of the Fashion-MNIST IDX files. */
  datasetDir: string;
  /** Use the first N training / test examples. */
  trainExamples: number;
  testExamples: number;
}

const NUMBERS = {
  strength: { default: 1, min: 0, max: 1e6, integer: false },
  aliveThreshold: { default: 0.01, min: 0, max: 1e3, integer: false },
  budget: { default: 0, min: 0, max: Number.MAX_SAFE_INTEGER, integer: false },
  trainSteps: { default: 300, min: 1, max: 1e6, integer: true },
  retrainSteps: { default: 300, min: 0, max: 1e6, integer: true },
  batchSize: { default: 64, min: 1, max: 4096, integer: true },
  learningRate: { default: 2e-3, min: 1e-7, max: 1, integer: false },
  seed: { default: 1, min: 0, max: 2 ** 31 - 1, integer: true },
  trainExamples: { default: 60000, min: 1, max: 60000, integer: true },
  testExamples: { default: 10000, min: 1, max: 10000, integer: true },
} as const;

/** Accepts `flops` as well as the contract's `TARGET_FLOPS`. */
export function parseTarget(raw: unknown): Target {
  const name = typeof raw === 'string' ? raw.toLowerCase().replace(/^target_/, '') : '';
  if (!(TARGETS as readonly string[]).includes(name)) throw new JobSpecError('target', `must be one of ${TARGETS.join(', ')}, got ${JSON.stringify(raw)}`);
  return name as Target;
}

export function validateMorphSpec(raw: unknown): MorphSpec {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new JobSpecError('spec', 'must be an object');
  const input = raw as Record<string, unknown>;
  const known = ['network', 'target', 'dataset', 'datasetDir', ...Object.keys(NUMBERS)];
  for (const key of Object.keys(input)) if (!known.includes(key)) throw new JobSpecError(key, `unknown field (known: ${known.join(', ')})`);
  const numbers = {} as Record<keyof typeof NUMBERS, number>;
  for (const [key, rule] of Object.entries(NUMBERS) as [keyof typeof NUMBERS, (typeof NUMBERS)[keyof typeof NUMBERS]][]) {
    const value = input[key] ?? rule.default;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new JobSpecError(key, 'must be a finite number');
    if (rule.integer && !Number.isInteger(value)) throw new JobSpecError(key, 'must be an integer');
    if (value < rule.min || value > rule.max) throw new JobSpecError(key, `must be in [${rule.min}, ${rule.max}]`);
    numbers[key] = value;
  }
  const dataset = (input.dataset ?? 'fashion-mnist') as MorphSpec['dataset'];
  if (!DATASETS.includes(dataset)) throw new JobSpecError('dataset', `must be one of ${DATASETS.join(', ')}`);
  if (input.network === undefined) throw new JobSpecError('network', 'is required');
  let graph: Graph;
  try {
    graph = checkNetwork(networkFromJson(input.network));
  } catch (e) {
    if (e instanceof NetworkError) throw new JobSpecError(e.layer === undefined ? 'network' : `network.layers["${e.layer}"]`, e.reason);
    throw e;
  }
  const { height, width, channels } = graph.net.input;
  if (height !== 28 || width !== 28 || channels !== 1) throw new JobSpecError('network.input', `must be 28×28×1 for ${dataset}, got ${height}×${width}×${channels}`);
  const classes = graph.shapes.get(graph.output.name)!.channels;
  if (classes !== 10) throw new JobSpecError(`network.layers["${graph.output.name}"]`, `the logits must have 10 units for ${dataset}, got ${classes}`);
  const target = parseTarget(input.target ?? 'flops');
  if (target !== 'latency') checkBudget(graph, target, numbers.budget);
  return { network: graph.net, target, dataset, datasetDir: typeof input.datasetDir === 'string' ? input.datasetDir : FASHION_MNIST_DIR, ...numbers };
}

/** Reject a budget not even the narrowest version of the network fits (latency is checked when measured). */
function checkBudget(graph: Graph, target: Exclude<Target, 'latency'>, budget: number): void {
  if (budget === 0) return;
  try {
    solveWidthMultiplier(graph, budget, costFunction(coefficients(graph, target)));
  } catch (e) {
    if (e instanceof BudgetError) throw new JobSpecError('budget', e.message);
    throw e;
  }
}

export function loadDataset(spec: MorphSpec): Dataset {
  return spec.dataset === 'synthetic'
    ? syntheticDataset(28, 28, 10, spec.trainExamples, spec.testExamples, spec.seed)
    : loadFashionMnist(spec.datasetDir, spec.trainExamples, spec.testExamples);
}

/** The job result is JSON (a google.protobuf.Struct): networks in their protobuf-JSON form. */
function structureJson(s: StructureReport): Record<string, unknown> {
  return { ...s, network: networkToJson(s.network) };
}

export function cycleResultJson(r: CycleResult): Record<string, unknown> {
  return { ...r, seed: structureJson(r.seed), shrunk: structureJson(r.shrunk), expanded: structureJson(r.expanded) };
}

export const morphJob: JobType<MorphSpec> = {
  name: 'morphnet.morph',
  description: 'MorphNet: learn a resource-targeted structure (FLOPs, size or latency), shrink, expand to the budget, retrain',
  validate: validateMorphSpec,
  async run(spec: MorphSpec, ctx: JobContext) {
    await initBackend();
    const data = loadDataset(spec);
    let result: CycleResult;
    try {
      result = await runCycle(spec, data, {
        signal: ctx.signal,
        report: (values, step) => ctx.reportMetrics(values, step),
        progress: (f) => ctx.reportProgress(f),
        log: (m, f) => ctx.log(m, f),
      });
    } catch (e) {
      if (e instanceof BudgetError) throw new JobSpecError('budget', e.message);
      throw e;
    }
    const json = cycleResultJson(result);
    await writeFile(path.join(ctx.artifactDir, 'structure.json'), `${JSON.stringify(json, null, 2)}\n`);
    return json;
  },
};

export const jobTypes = [morphJob];
