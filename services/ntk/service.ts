// Thin gRPC handlers for nnsuite.ntk.v1.NtkService: request message → plain arguments → analytic /
// empirical kernels and predictions → response message. Domain errors become gRPC statuses here only.
import { create } from '@bufbuild/protobuf';
import type { ServiceImpl } from '@connectrpc/connect';
import {
  ComputeEmpiricalKernelResponseSchema, ComputeKernelResponseSchema, CovarianceMode, NtkService, PredictionMethod as MethodEnum,
  PredictionSchema, PredictResponseSchema, StreamKernelResponseSchema, type PredictRequest,
} from '../../gen/nnsuite/ntk/v1/ntk_pb.js';
import { initBackend } from '../ml/backend.js';
import { mat } from '../ml/linalg64.js';
import { intEnv } from '../runtime/config.js';
import { invalidArgument, resourceExhausted } from '../runtime/errors.js';
import type { ServiceDefinition } from '../runtime/serve.js';
import { computeKernel, diagonalKernel, KernelTooLargeError, kernelTiles, planKernel, type KernelLimits } from './analytic-kernel.js';
import { ArchitectureError } from './architecture.js';
import { empiricalKernel, EmpiricalTooLargeError } from './empirical-kernel.js';
import { architectureFromMessage, decodeTensor, float64Tensor, inputsFromTensor, kindsFromMessage } from './messages.js';
import { neededKernels, predict, SingularKernelError, type CovarianceMode as Covariance, type PredictionMethod, type PredictKernels } from './predict.js';

export interface NtkConfig {
  /** Working memory for one kernel computation, bytes (NNSUITE_NTK_MEMORY_LIMIT_MB, default 2048). */
  memoryLimitBytes: number;
  /** Largest width and sample count ComputeEmpiricalKernel accepts. */
  maxEmpiricalWidth: number;
  maxEmpiricalSamples: number;
}

export function ntkConfigFromEnv(environment: NodeJS.ProcessEnv = process.env): NtkConfig {
  return {
    memoryLimitBytes: intEnv('ntk', 'MEMORY_LIMIT_MB', 2048, environment) * 2 ** 20,
    maxEmpiricalWidth: intEnv('ntk', 'MAX_EMPIRICAL_WIDTH', 8192, environment),
    maxEmpiricalSamples: intEnv('ntk', 'MAX_EMPIRICAL_SAMPLES', 256, environment),
  };
}

export function createNtkService(config: NtkConfig = ntkConfigFromEnv()): ServiceDefinition {
  return {
    name: 'ntk',
    services: [NtkService],
    routes: (router) => router.service(NtkService, handlers(config)),
    ready: async (runtime) => {
      // The tfjs backend is only needed by the finite-width RPC, but choosing it at boot keeps calls predictable.
      const backend = await initBackend();
      runtime.log.info('ntk ready', { backend, memoryLimitMiB: config.memoryLimitBytes / 2 ** 20 });
    },
  };
}

/** Domain errors → statuses: bad architecture or input → INVALID_ARGUMENT naming it; too big → RESOURCE_EXHAUSTED. */
function toStatus(error: unknown): unknown {
  if (error instanceof ArchitectureError) return invalidArgument(error.field, error.reason);
  if (error instanceof KernelTooLargeError || error instanceof EmpiricalTooLargeError) return resourceExhausted(error.message);
  if (error instanceof SingularKernelError) return invalidArgument('diag_reg', error.message);
  return error;
}

async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toStatus(error);
  }
}

function handlers(config: NtkConfig): ServiceImpl<typeof NtkService> {
  const limits: KernelLimits = { memoryLimitBytes: config.memoryLimitBytes };
  return {
    computeKernel: (req, ctx) => guard(async () => {
      const arch = architectureFromMessage(req.architecture);
      const x1 = inputsFromTensor(req.x1, 'x1'), x2 = req.x2 ? inputsFromTensor(req.x2, 'x2') : null;
      const kinds = kindsFromMessage(req.kinds);
      const k = await computeKernel(arch, x1, x2, kinds, limits, ctx.signal);
      return create(ComputeKernelResponseSchema, {
        nngp: k.nngp ? float64Tensor([k.n1, k.n2], k.nngp) : undefined,
        ntk: k.ntk ? float64Tensor([k.n1, k.n2], k.ntk) : undefined,
      });
    }),

    async *streamKernel(req, ctx) {
      try {
        const arch = architectureFromMessage(req.architecture);
        const x1 = inputsFromTensor(req.x1, 'x1'), x2 = req.x2 ? inputsFromTensor(req.x2, 'x2') : null;
        const kinds = kindsFromMessage(req.kinds);
        const plan = planKernel(arch, x1, x2, kinds, { ...limits, blockSize: req.blockSize });
        for await (const t of kernelTiles(arch, x1, x2, kinds, plan, ctx.signal)) {
          yield create(StreamKernelResponseSchema, {
            rowStart: t.rowStart, colStart: t.colStart, blocksDone: t.blocksDone, blocksTotal: t.blocksTotal,
            nngp: t.nngp ? float64Tensor([t.rows, t.cols], t.nngp) : undefined,
            ntk: t.ntk ? float64Tensor([t.rows, t.cols], t.ntk) : undefined,
          });
        }
      } catch (error) {
        throw toStatus(error);
      }
    },

    predict: (req, ctx) => guard(async () => {
      const p = predictArguments(req);
      const need = neededKernels(p.method, p.covariance);
      const kinds = { nngp: need.nngp, ntk: need.ntk };
      const N = p.xTrain.n, M = p.xTest.n;
      const train = await computeKernel(p.arch, p.xTrain, null, kinds, limits, ctx.signal);
      const testTrain = await computeKernel(p.arch, p.xTest, p.xTrain, kinds, limits, ctx.signal);
      const kernels: PredictKernels = {
        nngpTrain: train.nngp ? mat(N, N, train.nngp) : undefined, ntkTrain: train.ntk ? mat(N, N, train.ntk) : undefined,
        nngpTestTrain: testTrain.nngp ? mat(M, N, testTrain.nngp) : undefined, ntkTestTrain: testTrain.ntk ? mat(M, N, testTrain.ntk) : undefined,
      };
      if (p.covariance === 'full') {
        kernels.nngpTest = mat(M, M, (await computeKernel(p.arch, p.xTest, null, { nngp: true, ntk: false }, limits, ctx.signal)).nngp!);
      } else if (p.covariance === 'variances') {
        kernels.nngpTest = mat(M, 1, (await diagonalKernel(p.arch, p.xTest, { nngp: true, ntk: false }, limits, ctx.signal)).nngp);
      }
      const predictions = predict(kernels, p.y, p);
      return create(PredictResponseSchema, {
        predictions: predictions.map((q) => create(PredictionSchema, {
          trainingTime: q.time / p.learningRate,
          mean: float64Tensor([M, p.y.cols], q.mean.data),
          variances: q.variances ? float64Tensor([M], q.variances) : undefined,
          covariance: q.covariance ? float64Tensor([M, M], q.covariance.data) : undefined,
        })),
      });
    }),

    computeEmpiricalKernel: (req, ctx) => guard(async () => {
      const arch = architectureFromMessage(req.architecture);
      const x1 = inputsFromTensor(req.x1, 'x1'), x2 = req.x2 ? inputsFromTensor(req.x2, 'x2') : null;
      const kinds = kindsFromMessage(req.kinds);
      const width = req.width || arch.width, samples = req.samples || 1;
      if (width > config.maxEmpiricalWidth) throw new ArchitectureError('width', `must be at most ${config.maxEmpiricalWidth}`);
      if (samples > config.maxEmpiricalSamples) throw new ArchitectureError('samples', `must be at most ${config.maxEmpiricalSamples}`);
      planKernel(arch, x1, x2, kinds, limits); // validates the architecture on these inputs
      const k = await empiricalKernel(arch, x1, x2, { width, samples, seed: req.seed, kinds }, ctx.signal);
      return create(ComputeEmpiricalKernelResponseSchema, {
        nngp: k.nngp ? float64Tensor([k.n1, k.n2], k.nngp) : undefined,
        ntk: k.ntk ? float64Tensor([k.n1, k.n2], k.ntk) : undefined,
        width, samples,
      });
    }),
  };
}

const METHODS: Record<number, PredictionMethod> = {
  [MethodEnum.UNSPECIFIED]: 'ntkGradientDescent', [MethodEnum.NTK_GRADIENT_DESCENT]: 'ntkGradientDescent',
  [MethodEnum.NNGP_GRADIENT_DESCENT]: 'nngpGradientDescent', [MethodEnum.NNGP_POSTERIOR]: 'nngpPosterior',
};
const COVARIANCES: Record<number, Covariance> = {
  [CovarianceMode.UNSPECIFIED]: 'variances', [CovarianceMode.NONE]: 'none', [CovarianceMode.VARIANCES]: 'variances', [CovarianceMode.FULL]: 'full',
};

function predictArguments(req: PredictRequest) {
  const arch = architectureFromMessage(req.architecture);
  const xTrain = inputsFromTensor(req.xTrain, 'x_train'), xTest = inputsFromTensor(req.xTest, 'x_test');
  if (xTest.image !== xTrain.image || xTest.h !== xTrain.h || xTest.w !== xTrain.w || xTest.channels !== xTrain.channels) {
    throw new ArchitectureError('x_test.shape', 'must match x_train apart from the number of inputs');
  }
  const y = decodeTensor(req.yTrain, 'y_train');
  if ((y.shape.length !== 1 && y.shape.length !== 2) || y.shape[0] !== xTrain.n) {
    throw new ArchitectureError('y_train.shape', `must be [${xTrain.n}] or [${xTrain.n}, K] to match x_train, got ${JSON.stringify(y.shape)}`);
  }
  const method = METHODS[req.method], covariance = COVARIANCES[req.covariance];
  if (!method) throw new ArchitectureError('method', `unknown value ${req.method}`);
  if (!covariance) throw new ArchitectureError('covariance', `unknown value ${req.covariance}`);
  const learningRate = req.learningRate || 1;
  if (!(learningRate > 0) || !Number.isFinite(learningRate)) throw new ArchitectureError('learning_rate', 'must be a positive number');
  if (!(req.diagReg >= 0) || !Number.isFinite(req.diagReg)) throw new ArchitectureError('diag_reg', 'must be a non-negative number');
  const times = req.trainingTimes.length ? req.trainingTimes : [Infinity];
  times.forEach((t, i) => {
    if (!(t >= 0)) throw new ArchitectureError(`training_times[${i}]`, 'must be a non-negative number or Infinity');
  });
  return {
    arch, xTrain, xTest, method, covariance, learningRate,
    y: mat(y.shape[0], y.shape[1] ?? 1, y.data),
    times: times.map((t) => t * learningRate),
    diagReg: req.diagReg, diagRegAbsolute: req.diagRegAbsoluteScale,
  };
}
