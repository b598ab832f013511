// Thin gRPC handlers for nnsuite.morphnet.v1.MorphnetService: request message → domain arguments → cost
// model / job launcher → response message. Domain errors become gRPC statuses here only.
import { create, fromJson, toJson, type JsonObject, type JsonValue } from '@bufbuild/protobuf';
import type { ServiceImpl } from '@connectrpc/connect';
import {
  AnalyzeCostResponseSchema, LayerCostSchema, MorphnetService, MorphResponseSchema, NetworkSchema, StructureSchema, Target as ProtoTarget,
  GetStructureResponseSchema, type LayerCost, type Network, type Structure,
} from '../../gen/nnsuite/morphnet/v1/morphnet_pb.js';
import { JobState } from '../../gen/nnsuite/common/v1/job_pb.js';
import { initBackend } from '../ml/backend.js';
import { JobSpecError } from '../ml/job-type.js';
import { intEnv } from '../runtime/config.js';
import { invalidArgument, notFound, resourceExhausted } from '../runtime/errors.js';
import type { ServiceDefinition } from '../runtime/serve.js';
import { channelGroups } from './channel-groups.js';
import { layerCosts, type LayerCostRow, type Target } from './cost-model.js';
import { BudgetError, solveWidthMultiplier } from './expand.js';
import { inProcessLauncher, QueueFullError, trainingServiceLauncher, type JobLauncher } from './job-launcher.js';
import { jobTypes, morphJob } from './jobs.js';
import { measureLatency } from './latency.js';
import { costFunction, targetCoefficients } from './morph-cycle.js';
import { checkNetwork, NetworkError, type Graph } from './network.js';
import { networkFromProto } from './network-proto.js';

export interface MorphnetConfig {
  /** The training service (NNSUITE_TRAINING_ADDRESS); unset: Morph jobs run in this process. */
  trainingAddress?: string;
  /** Largest network (parameters) this service builds to time or train (NNSUITE_MORPHNET_MAX_PARAMS). */
  maxParams?: number;
  /** Largest sum of layer output elements per example it builds (NNSUITE_MORPHNET_MAX_ACTIVATIONS). */
  maxActivations?: number;
}

export function morphnetConfigFromEnv(environment: NodeJS.ProcessEnv = process.env): MorphnetConfig {
  return {
    trainingAddress: environment.NNSUITE_TRAINING_ADDRESS || undefined,
    maxParams: intEnv('morphnet', 'MAX_PARAMS', 20_000_000, environment),
    maxActivations: intEnv('morphnet', 'MAX_ACTIVATIONS', 20_000_000, environment),
  };
}

export function createMorphnetService(config: MorphnetConfig = morphnetConfigFromEnv()): ServiceDefinition {
  let launcher: JobLauncher | undefined;
  return {
    name: 'morphnet',
    services: [MorphnetService],
    routes: (router, runtime) => {
      launcher = config.trainingAddress ? trainingServiceLauncher(config.trainingAddress) : inProcessLauncher(jobTypes, runtime.config.dataDir);
      router.service(MorphnetService, handlers(launcher, { maxParams: config.maxParams ?? 20_000_000, maxActivations: config.maxActivations ?? 20_000_000 }));
    },
    // Latency is measured (and in-process jobs train) on the backend chosen here, once, at boot.
    ready: async (runtime) => { runtime.log.info('morphnet ready', { backend: await initBackend(), jobs: config.trainingAddress ?? 'in-process' }); },
    close: async () => { await launcher?.close(); },
  };
}

const TARGET_NAMES: Partial<Record<ProtoTarget, Target>> = { [ProtoTarget.FLOPS]: 'flops', [ProtoTarget.SIZE]: 'size', [ProtoTarget.LATENCY]: 'latency' };

/** The request's network, validated; NetworkError → INVALID_ARGUMENT naming the layer. */
function graphOf(network: Network | undefined): Graph {
  if (!network) throw invalidArgument('network', 'is required');
  try {
    return checkNetwork(networkFromProto(network));
  } catch (error) {
    if (error instanceof NetworkError) throw invalidArgument(error.layer === undefined ? 'network' : `network.layers["${error.layer}"]`, error.reason);
    throw error;
  }
}

function layerCostMessage(row: LayerCostRow): LayerCost {
  return create(LayerCostSchema, { ...row, flops: BigInt(row.flops), params: BigInt(row.params) });
}

/** Refuse to build (time or train) a network past the limits: RESOURCE_EXHAUSTED, not an out-of-memory crash. */
function checkBuildable(graph: Graph, rows: LayerCostRow[], limits: Required<Omit<MorphnetConfig, 'trainingAddress'>>): void {
  const params = rows.reduce((s, r) => s + r.params, 0);
  const activations = graph.net.layers.reduce((s, l) => { const sh = graph.shapes.get(l.name)!; return s + (sh.spatial ? sh.spatial[0] * sh.spatial[1] : 1) * sh.channels; }, 0);
  if (params > limits.maxParams) throw resourceExhausted(`network: ${params} parameters exceed this service's limit of ${limits.maxParams} (NNSUITE_MORPHNET_MAX_PARAMS)`);
  if (activations > limits.maxActivations) throw resourceExhausted(`network: ${activations} activations per example exceed this service's limit of ${limits.maxActivations} (NNSUITE_MORPHNET_MAX_ACTIVATIONS)`);
}

function handlers(launcher: JobLauncher, limits: Required<Omit<MorphnetConfig, 'trainingAddress'>>): ServiceImpl<typeof MorphnetService> {
  return {
    async analyzeCost(req) {
      const graph = graphOf(req.network);
      const rows = layerCosts(graph, channelGroups(graph));
      let backend = '';
      if (req.measureLatency) {
        checkBuildable(graph, rows, limits);
        const measured = await measureLatency(graph);
        backend = measured.backend;
        for (const row of rows) row.latencyUs = measured.latencyUs.get(row.name) ?? 0;
      }
      return create(AnalyzeCostResponseSchema, {
        layers: rows.map(layerCostMessage),
        totalFlops: BigInt(rows.reduce((s, r) => s + r.flops, 0)),
        totalParams: BigInt(rows.reduce((s, r) => s + r.params, 0)),
        totalLatencyUs: rows.reduce((s, r) => s + r.latencyUs, 0),
        backend,
      });
    },

    async morph(req) {
      const graph = graphOf(req.network);
      checkBuildable(graph, layerCosts(graph, channelGroups(graph)), limits);
      const target = TARGET_NAMES[req.target];
      if (!target) throw invalidArgument('target', `must be TARGET_FLOPS, TARGET_SIZE or TARGET_LATENCY, got ${ProtoTarget[req.target] ?? req.target}`);
      // Unset (zero) proto fields fall back to the job type's defaults.
      const optional = { strength: req.strength, aliveThreshold: req.aliveThreshold, budget: req.budget, dataset: req.dataset, trainSteps: req.trainSteps, retrainSteps: req.retrainSteps, batchSize: req.batchSize, seed: req.seed };
      const spec: JsonObject = { network: toJson(NetworkSchema, req.network!) as JsonValue, target };
      for (const [key, value] of Object.entries(optional)) if (value) spec[key] = value;
      try {
        morphJob.validate(spec);
        if (target === 'latency' && req.budget > 0) {
          // Only a measurement can tell whether a latency budget is reachable.
          solveWidthMultiplier(graph, req.budget, costFunction(await targetCoefficients(graph, 'latency')));
        }
      } catch (error) {
        if (error instanceof JobSpecError) throw invalidArgument(error.field, error.reason);
        if (error instanceof BudgetError) throw invalidArgument('budget', error.message);
        throw error;
      }
      try {
        return create(MorphResponseSchema, { job: await launcher.create(morphJob.name, spec) });
      } catch (error) {
        if (error instanceof QueueFullError) throw resourceExhausted(error.message);
        throw error;
      }
    },

    async getStructure(req) {
      if (!req.job) throw invalidArgument('job', 'must name a job (`jobs/{id}` or `{id}`)');
      const name = req.job.startsWith('jobs/') ? req.job : `jobs/${req.job}`;
      const job = await launcher.get(name);
      if (!job) throw notFound('job', name);
      if (job.type !== morphJob.name) throw invalidArgument('job', `"${name}" is a ${job.type} job, not ${morphJob.name}`);
      const response = create(GetStructureResponseSchema, { job });
      const result = job.result as Record<string, any> | undefined;
      if (job.state === JobState.SUCCEEDED && result) {
        response.seed = structureMessage(result.seed);
        response.shrunk = structureMessage(result.shrunk);
        response.expanded = structureMessage(result.expanded);
        response.widthMultiplier = result.widthMultiplier;
        response.regularizedAccuracy = result.regularizedAccuracy;
        response.expandedAccuracy = result.expandedAccuracy ?? 0;
        response.removedLayers = result.removedLayers;
      }
      return response;
    },
  };
}

/** A structure from the job's JSON result (see jobs.ts cycleResultJson). */
function structureMessage(json: { network: JsonValue; flops: number; params: number; layers: LayerCostRow[] }): Structure {
  return create(StructureSchema, {
    network: fromJson(NetworkSchema, json.network),
    flops: BigInt(json.flops),
    params: BigInt(json.params),
    layers: json.layers.map(layerCostMessage),
  });
}
