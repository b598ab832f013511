// MorphNet verbs: `nnsuite morphnet cost NET.json [--latency]` (per-layer FLOPs/params/latency) and
// `nnsuite morphnet run NET.json --target flops|size|latency [--strength S] [--budget B] [--dataset D]
// [--train-steps N] [--retrain-steps N] [--batch-size N] [--seed N] [--wait]`. NET.json is a
// nnsuite.morphnet.v1.Network in protobuf JSON form.
import { readFileSync } from 'node:fs';
import { fromJson, toJson, type JsonValue } from '@bufbuild/protobuf';
import { JobState } from '../gen/nnsuite/common/v1/job_pb.js';
import { MorphnetService, NetworkSchema, Target, type GetStructureResponse, type Network } from '../gen/nnsuite/morphnet/v1/morphnet_pb.js';
import { parseArgs, type CliContext, type Command } from './command.js';

function readNetwork(file: string | undefined): Network {
  if (!file) throw new Error('give NET.json (a nnsuite.morphnet.v1.Network in protobuf JSON)');
  try {
    return fromJson(NetworkSchema, JSON.parse(readFileSync(file, 'utf8')) as JsonValue);
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
}

const number = (value: string | undefined, flag: string): number => {
  if (value === undefined) return 0; // proto3 zero: the service's default
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`--${flag} must be a number`);
  return n;
};

const TARGETS: Record<string, Target> = { flops: Target.FLOPS, size: Target.SIZE, latency: Target.LATENCY };

/** `nnsuite morphnet cost NET.json [--latency]`. */
export async function cost(args: string[], ctx: CliContext): Promise<string> {
  const { positional, flags } = parseArgs(args, ['latency']);
  const res = await ctx.client(MorphnetService).analyzeCost({ network: readNetwork(positional[0]), measureLatency: flags.latency === 'true' });
  ctx.print(`${'layer'.padEnd(16)} ${'kind'.padEnd(10)} ${'output'.padEnd(12)} ${'FLOPs'.padStart(12)} ${'params'.padStart(10)}${flags.latency ? ` ${'µs'.padStart(9)}` : ''}`);
  for (const l of res.layers) {
    ctx.print(`${l.name.padEnd(16)} ${l.kind.padEnd(10)} ${l.outputShape.join('×').padEnd(12)} ${String(l.flops).padStart(12)} ${String(l.params).padStart(10)}${flags.latency ? ` ${l.latencyUs.toFixed(1).padStart(9)}` : ''}`);
  }
  return JSON.stringify({ total_flops: Number(res.totalFlops), total_params: Number(res.totalParams), ...(flags.latency ? { total_latency_us: res.totalLatencyUs, backend: res.backend } : {}) });
}

/** `nnsuite morphnet run NET.json --target flops …`: starts the job; with --wait, follows it to the end. */
export async function run(args: string[], ctx: CliContext): Promise<string> {
  const { positional, flags } = parseArgs(args, ['wait']);
  const target = TARGETS[flags.target ?? 'flops'];
  if (target === undefined) throw new Error(`--target must be one of ${Object.keys(TARGETS).join(', ')}`);
  const client = ctx.client(MorphnetService);
  const { job } = await client.morph({
    network: readNetwork(positional[0]),
    target,
    strength: number(flags.strength, 'strength'),
    aliveThreshold: number(flags.threshold, 'threshold'),
    budget: number(flags.budget, 'budget'),
    dataset: flags.dataset ?? '',
    trainSteps: number(flags['train-steps'], 'train-steps'),
    retrainSteps: number(flags['retrain-steps'], 'retrain-steps'),
    batchSize: number(flags['batch-size'], 'batch-size'),
    seed: number(flags.seed, 'seed'),
  });
  if (!job) throw new Error('the service returned no job');
  if (flags.wait !== 'true') return `started ${job.name} (nnsuite morphnet run … --wait follows it; GetStructure reads it)`;
  let res: GetStructureResponse;
  let shown = -1;
  for (;;) {
    res = await client.getStructure({ job: job.name });
    const state = res.job?.state ?? JobState.UNSPECIFIED;
    const pct = Math.round(100 * (res.job?.progress ?? 0));
    if (pct !== shown) { ctx.print(`${job.name}: ${JobState[state]} ${pct} %`); shown = pct; }
    if (state === JobState.SUCCEEDED) break;
    if (state === JobState.FAILED || state === JobState.CANCELLED) throw new Error(`${job.name} ${JobState[state]}: ${res.job?.error}`);
    await new Promise((r) => setTimeout(r, 2000));
  }
  const widths = (s: GetStructureResponse['shrunk']) => Object.fromEntries((s?.network?.layers ?? []).flatMap((l) => {
    const k = l.kind;
    return k.case === 'conv' ? [[l.name, k.value.filters]] : k.case === 'dense' ? [[l.name, k.value.units]] : [];
  }));
  ctx.print(`shrunk:   ${JSON.stringify(widths(res.shrunk))}`);
  ctx.print(`expanded: ${JSON.stringify(widths(res.expanded))} (×${res.widthMultiplier.toFixed(3)})`);
  if (res.expanded?.network) ctx.print(`expanded network: ${JSON.stringify(toJson(NetworkSchema, res.expanded.network))}`);
  return JSON.stringify({
    job: job.name,
    seed_flops: Number(res.seed?.flops), shrunk_flops: Number(res.shrunk?.flops), expanded_flops: Number(res.expanded?.flops),
    width_multiplier: res.widthMultiplier, removed_layers: res.removedLayers,
    regularized_accuracy: res.regularizedAccuracy, expanded_accuracy: res.expandedAccuracy,
  });
}

export const commands: Record<string, Command> = {
  'morphnet cost': { usage: 'morphnet cost NET.json [--latency]   per-layer FLOPs, params (and measured latency) of a network', run: cost },
  'morphnet run': {
    usage: 'morphnet run NET.json --target flops|size|latency [--strength S] [--budget B] [--dataset fashion-mnist|synthetic] [--train-steps N] [--retrain-steps N] [--wait]   MorphNet shrink/expand job',
    run,
  },
};
