// Neural-tangents verbs:
//   nnsuite ntk kernel ARCH.json X.json [--x2 X2.json] [--kinds nngp,ntk] [--stream [--block N]]
//   nnsuite ntk predict ARCH.json --x-train X.json --y-train Y.json --x-test XT.json [--times 0,10,inf]
//        [--method ntk|nngp|posterior] [--lr LR] [--diag-reg R] [--covariance none|variances|full]
// ARCH.json is a nnsuite.ntk.v1.Architecture in protobuf JSON; tensors are nested JSON arrays
// ([[…], …] vectors, [[[[…]]]] NHWC images) or a nnsuite.common.v1.Tensor in protobuf JSON.
import { readFileSync } from 'node:fs';
import { create, fromJson, type JsonValue } from '@bufbuild/protobuf';
import { TensorSchema, type Tensor } from '../gen/nnsuite/common/v1/tensor_pb.js';
import { ArchitectureSchema, CovarianceMode, KernelKind, NtkService, PredictionMethod, type Architecture } from '../gen/nnsuite/ntk/v1/ntk_pb.js';
import { decodeTensor } from '../services/ntk/messages.js';
import { parseArgs, type CliContext, type Command } from './command.js';

function readJson(file: string | undefined, what: string): JsonValue {
  if (!file) throw new Error(`give ${what}`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as JsonValue;
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
}

function readArchitecture(file: string | undefined): Architecture {
  return fromJson(ArchitectureSchema, readJson(file, 'ARCH.json (a nnsuite.ntk.v1.Architecture in protobuf JSON)'));
}

/** A nested array (its shape inferred) or a Tensor in protobuf JSON. */
export function readTensor(file: string | undefined, what: string): Tensor {
  const json = readJson(file, what);
  if (!Array.isArray(json)) return fromJson(TensorSchema, json);
  const shape: number[] = [];
  for (let v: JsonValue = json; Array.isArray(v); v = v[0]) shape.push(v.length);
  const values = (json as unknown[]).flat(shape.length) as number[];
  if (values.length !== shape.reduce((a, b) => a * b, 1) || values.some((v) => typeof v !== 'number')) {
    throw new Error(`${file}: not a rectangular array of numbers`);
  }
  return create(TensorSchema, { shape: shape.map(BigInt), content: { case: 'values', value: { values } } });
}

function rows(t: Tensor | undefined, name: string): number[][] {
  const { shape, data } = decodeTensor(t, name);
  const cols = shape[1] ?? 1;
  return Array.from({ length: shape[0] }, (_, i) => Array.from(data.subarray(i * cols, (i + 1) * cols)));
}

const KINDS: Record<string, KernelKind> = { nngp: KernelKind.NNGP, ntk: KernelKind.NTK };

/** `nnsuite ntk kernel …`: the analytic kernels as JSON {nngp, ntk} (N1×N2 nested arrays). */
export async function kernel(args: string[], ctx: CliContext): Promise<string> {
  const { positional, flags } = parseArgs(args, ['stream']);
  const architecture = readArchitecture(positional[0]);
  const x1 = readTensor(positional[1], 'X.json'), x2 = flags.x2 ? readTensor(flags.x2, '--x2') : undefined;
  const kinds = (flags.kinds ?? 'nngp,ntk').split(',').map((k) => {
    if (!(k in KINDS)) throw new Error(`--kinds: unknown kernel "${k}" (nngp, ntk)`);
    return KINDS[k];
  });
  const client = ctx.client(NtkService);
  if (!flags.stream) {
    const res = await client.computeKernel({ architecture, x1, x2, kinds });
    return JSON.stringify({ nngp: res.nngp ? rows(res.nngp, 'nngp') : undefined, ntk: res.ntk ? rows(res.ntk, 'ntk') : undefined });
  }
  const n1 = Number(x1.shape[0]), n2 = Number((x2 ?? x1).shape[0]);
  const out = { nngp: [] as number[][], ntk: [] as number[][] };
  for (const m of [out.nngp, out.ntk]) for (let i = 0; i < n1; i++) m.push(new Array(n2).fill(0));
  for await (const block of client.streamKernel({ architecture, x1, x2, kinds, blockSize: Number(flags.block ?? 0) })) {
    ctx.print(`block ${block.blocksDone}/${block.blocksTotal} rows ${block.rowStart}+ cols ${block.colStart}+`);
    for (const [name, t] of [['nngp', block.nngp], ['ntk', block.ntk]] as const) {
      if (!t) continue;
      rows(t, name).forEach((r, i) => r.forEach((v, j) => (out[name][block.rowStart + i][block.colStart + j] = v)));
    }
  }
  return JSON.stringify({ nngp: kinds.includes(KernelKind.NNGP) ? out.nngp : undefined, ntk: kinds.includes(KernelKind.NTK) ? out.ntk : undefined });
}

const METHODS: Record<string, PredictionMethod> = { ntk: PredictionMethod.NTK_GRADIENT_DESCENT, nngp: PredictionMethod.NNGP_GRADIENT_DESCENT, posterior: PredictionMethod.NNGP_POSTERIOR };
const COVARIANCES: Record<string, CovarianceMode> = { none: CovarianceMode.NONE, variances: CovarianceMode.VARIANCES, full: CovarianceMode.FULL };

/** `nnsuite ntk predict …`: one line per training time, then JSON [{time, mean, variances}] as the result. */
export async function predict(args: string[], ctx: CliContext): Promise<string> {
  const { positional, flags } = parseArgs(args);
  const method = METHODS[flags.method ?? 'ntk'], covariance = COVARIANCES[flags.covariance ?? 'variances'];
  if (method === undefined) throw new Error(`--method must be one of ${Object.keys(METHODS).join(', ')}`);
  if (covariance === undefined) throw new Error(`--covariance must be one of ${Object.keys(COVARIANCES).join(', ')}`);
  const times = (flags.times ?? 'inf').split(',').map((t) => (/^inf(inity)?$/i.test(t) ? Infinity : Number(t)));
  if (times.some((t) => Number.isNaN(t))) throw new Error('--times must be numbers or inf');
  const res = await ctx.client(NtkService).predict({
    architecture: readArchitecture(positional[0]),
    xTrain: readTensor(flags['x-train'], '--x-train X.json'), yTrain: readTensor(flags['y-train'], '--y-train Y.json'),
    xTest: readTensor(flags['x-test'], '--x-test X.json'),
    trainingTimes: times, method, covariance,
    learningRate: Number(flags.lr ?? 0), diagReg: Number(flags['diag-reg'] ?? 0),
  });
  const out = res.predictions.map((p) => ({
    time: p.trainingTime === Infinity ? 'inf' : p.trainingTime,
    mean: rows(p.mean, 'mean'),
    variances: p.variances ? Array.from(decodeTensor(p.variances, 'variances').data) : undefined,
    covariance: p.covariance ? rows(p.covariance, 'covariance') : undefined,
  }));
  for (const p of out) ctx.print(`t=${p.time}: mean ${JSON.stringify(p.mean.map((r) => r.map((v) => +v.toFixed(4))))}${p.variances ? ` variances ${JSON.stringify(p.variances.map((v) => +v.toFixed(4)))}` : ''}`);
  return JSON.stringify(out);
}

export const commands: Record<string, Command> = {
  'ntk kernel': { usage: 'ntk kernel ARCH.json X.json [--x2 X2.json] [--kinds nngp,ntk] [--stream [--block N]]   analytic NNGP/NTK kernels (JSON)', run: kernel },
  'ntk predict': {
    usage: 'ntk predict ARCH.json --x-train X.json --y-train Y.json --x-test XT.json [--times 0,10,inf] [--method ntk|nngp|posterior] [--lr LR] [--diag-reg R] [--covariance none|variances|full]   infinite-ensemble predictions',
    run: predict,
  },
};
