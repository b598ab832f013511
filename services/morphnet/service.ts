// Thin gRPC handlers for nnsuite.morphnet.v1.MorphnetService: request message → domain arguments → cost
// model / job launcher → response message. Domain errors become gRPC statuses here only.
import { create, fromJson, toJson, type JsonObject, type JsonValue } from '@bufbuild/protobuf';
import type { ServiceImpl } from '@connectrpc/connect';
import {
  AnalyzeCostResponseSchema, LayerCostSchema, MorphnetService, MorphResponseSchema, NetworkSchema, StructureSchema, Target as ProtoTarget,
  GetStructureResponseSchema, type LayerCost, type Network, type Structure,
} from '../../gen/nnsuite/morphnet/v1/morphnet_pb.js';
import { JobState } from '../../gen/nnsuite/common/v1/job_pb.js';
import { JobSpecError } from '../ml/job-type.js';
import { invalidArgument, notFound } from '../runtime/errors.js';
import type { ServiceDefinition } from '../runtime/serve.js';
import { channelGroups } from './channel-groups.js';
import { layerCosts, type LayerCostRow, type Target } from './cost-model.js';
import { BudgetError, solveWidthMultiplier } from './expand.js';
import { inProcessLauncher, trainingServiceLauncher, type JobLauncher } from './job-launcher.js';
import { jobTypes, morphJob } from './jobs.js';
import { measureLatency } from './latency.js';
import { costFunction, targetCoefficients } from './morph-cycle.js';
import { checkNetwork, NetworkError, type Graph } from './network.js';
import { networkFromProto } from './network-proto.js';

export interface MorphnetConfig {
  /** The training service (NNSUITE_TRAINING_ADDRESS); unset: Morph jobs run in this process. */
  trainingAddress?: string;
}

export function morphnetConfigFromEnv(environment: NodeJS.ProcessEnv = process.env): MorphnetConfig {
  return { trainingAddress: environment.NNSUITE_TRAINING_ADDRESS || undefined };
}

export function createMorphnetService(config: MorphnetConfig = morphnetConfigFromEnv()): ServiceDefinition {
  let launcher: JobLauncher | undefined;
  return {
    name: 'morphnet',
    services: [MorphnetService],
    routes: (router, runtime) => {
      launcher = config.trainingAddress ? trainingServiceLauncher(config.trainingAddress) : inProcessLauncher(jobTypes, runtime.config.dataDir);
      router.service(MorphnetService, handlers(launcher));
    },
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

function handlers(launcher: JobLauncher): ServiceImpl<typeof MorphnetService> {
  return {
    async analyzeCost(req) {
      const graph = graphOf(req.network);
      const rows = layerCosts(graph, channelGroups(graph));
      let backend = '';
      if (req.measureLatency) {
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
      return create(MorphResponseSchema, { job: await launcher.create(morphJob.name, spec) });
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
