import assert from 'node:assert/strict';
import { create } from '@bufbuild/protobuf';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport, Http2SessionManager } from '@connectrpc/connect-node';
import { status as grpcStatus } from '@grpc/grpc-js';
import { TensorSchema, type Tensor } from '../../gen/nnsuite/common/v1/tensor_pb.js';
import {
  ArchitectureSchema, CovarianceMode, KernelKind, NtkService, Padding, PredictionMethod, type Architecture, type LayerSchema,
} from '../../gen/nnsuite/ntk/v1/ntk_pb.js';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { serve, type RunningService } from '../runtime/serve.js';
import { collect, grpcClient, type GrpcTestClient } from '../runtime/testing.js';
import { computeKernel } from './analytic-kernel.js';
import { decodeTensor } from './messages.js';
import { createNtkService } from './service.js';
import { gaussianInputs, L, net } from './test-fixtures.js';

type LayerInit = MessageInitShape<typeof LayerSchema>;
const dense = (wStd = 1.5, bStd = 0.1): LayerInit => ({ kind: { case: 'dense', value: { wStd, bStd } } });
const relu: LayerInit = { kind: { case: 'relu', value: {} } };
const serial = (...layers: LayerInit[]): LayerInit => ({ kind: { case: 'serial', value: { layers } } });
const fcNet = (): Architecture => create(ArchitectureSchema, { root: serial(dense(), relu, dense(), relu, dense(1, 0)) });
const tensor = (shape: number[], values: ArrayLike<number>): Tensor => create(TensorSchema, { shape: shape.map(BigInt), content: { case: 'values', value: { values: Array.from(values) } } });

describe('NtkService over gRPC', function () {
  this.timeout(60_000);
  let running: RunningService, grpc: GrpcTestClient, sessions: Http2SessionManager;
  let connect: ReturnType<typeof createClient<typeof NtkService>>;
  const x64 = gaussianInputs(6, [4], 7);
  const x = { ...x64, data: x64.data.map(Math.fround) }; // what a float32 Tensor carries
  const xTensor = tensor([6, 4], x.data);

  before(async () => {
    running = await serve(createNtkService({ memoryLimitBytes: 32 * 2 ** 20, maxEmpiricalWidth: 1024, maxEmpiricalSamples: 16 }), { port: 0, httpPort: 0, host: '127.0.0.1' });
    await running.ready;
    grpc = grpcClient(NtkService, `127.0.0.1:${running.port}`);
    sessions = new Http2SessionManager(`http://127.0.0.1:${running.port}`);
    connect = createClient(NtkService, createGrpcTransport({ baseUrl: `http://127.0.0.1:${running.port}`, sessionManager: sessions }));
  });
  after(async () => {
    grpc.close();
    sessions.abort();
    await running.close();
  });

  it('ComputeKernel (plain grpc-js client) returns the float64 kernels the domain computes', async () => {
    const res = await grpc.unary(NtkService.method.computeKernel, { architecture: fcNet(), x1: xTensor });
    const want = await computeKernel(net(L.serial(L.dense(1.5, 0.1), L.relu(), L.dense(1.5, 0.1), L.relu(), L.dense(1, 0))), x, null, { nngp: true, ntk: true }, { memoryLimitBytes: 2 ** 30 });
    const nngp = decodeTensor(res.nngp, 'nngp'), ntk = decodeTensor(res.ntk, 'ntk');
    assert.deepEqual(nngp.shape, [6, 6]);
    assert.deepEqual(Array.from(nngp.data), Array.from(want.nngp!));
    assert.deepEqual(Array.from(ntk.data), Array.from(want.ntk!));
  });

  it('StreamKernel sends every block with progress, reassembling to the unary kernel', async () => {
    const messages = await collect(grpc.serverStream(NtkService.method.streamKernel, { architecture: fcNet(), x1: xTensor, blockSize: 4, kinds: [KernelKind.NTK] }));
    const unary = await connect.computeKernel({ architecture: fcNet(), x1: xTensor, kinds: [KernelKind.NTK] });
    const whole = decodeTensor(unary.ntk, 'ntk').data, assembled = new Float64Array(36);
    for (const m of messages) {
      assert.equal(m.nngp, undefined);
      const block = decodeTensor(m.ntk, 'ntk');
      const [rows, cols] = block.shape;
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) assembled[(m.rowStart + i) * 6 + m.colStart + j] = block.data[i * cols + j];
    }
    assert.equal(messages.length, 4); // 3 computed blocks of a 2x2 grid (upper triangle) + 1 mirrored
    assert.equal(messages[messages.length - 1].blocksDone, messages[0].blocksTotal);
    assert.deepEqual(Array.from(assembled), Array.from(whole));
  });

  it('Predict (Connect client): GD ensemble at several times with covariance, and the NNGP posterior', async () => {
    const test = gaussianInputs(3, [4], 9);
    const res = await connect.predict({
      architecture: fcNet(), xTrain: xTensor, yTrain: tensor([6], [1, -1, 0.5, 0.2, -0.3, 0.8]), xTest: tensor([3, 4], test.data),
      trainingTimes: [0, 2, Infinity], learningRate: 0.5, diagReg: 1e-3, covariance: CovarianceMode.FULL,
    });
    assert.deepEqual(res.predictions.map((p) => p.trainingTime), [0, 2, Infinity]);
    const [t0, , tInf] = res.predictions;
    assert.ok(decodeTensor(t0.mean, 'mean').data.every((v) => v === 0));
    assert.deepEqual(decodeTensor(tInf.mean, 'mean').shape, [3, 1]);
    assert.deepEqual(decodeTensor(tInf.covariance, 'covariance').shape, [3, 3]);
    const variances = decodeTensor(tInf.variances, 'variances').data;
    assert.ok(variances.every((v) => v > 0) && variances.every((v, i) => v < decodeTensor(t0.variances, 'v').data[i]));
    const posterior = await connect.predict({
      architecture: fcNet(), xTrain: xTensor, yTrain: tensor([6, 1], [1, -1, 0.5, 0.2, -0.3, 0.8]), xTest: tensor([3, 4], test.data),
      method: PredictionMethod.NNGP_POSTERIOR, diagReg: 1e-3,
    });
    assert.equal(posterior.predictions.length, 1);
    assert.equal(posterior.predictions[0].covariance, undefined);
  });

  it('ComputeEmpiricalKernel returns finite-width estimates close to the analytic kernel', async () => {
    const res = await connect.computeEmpiricalKernel({ architecture: fcNet(), x1: xTensor, width: 512, samples: 4, seed: 3 });
    assert.equal(res.width, 512);
    assert.equal(res.samples, 4);
    const analytic = await connect.computeKernel({ architecture: fcNet(), x1: xTensor });
    for (const kind of ['nngp', 'ntk'] as const) {
      const a = decodeTensor(analytic[kind], kind).data, e = decodeTensor(res[kind], kind).data;
      const err = Math.sqrt(a.reduce((s, v, i) => s + (v - e[i]) ** 2, 0) / a.reduce((s, v) => s + v * v, 0));
      assert.ok(err < 0.15, `${kind}: relative error ${err}`);
    }
  });

  it('a cancelled stream stops and the server keeps serving', async () => {
    const big = gaussianInputs(200, [4], 1);
    const stream = grpc.serverStream(NtkService.method.streamKernel, { architecture: fcNet(), x1: tensor([200, 4], big.data), blockSize: 8 });
    await new Promise<void>((resolve) => stream.once('data', () => resolve()));
    const ended = new Promise<number>((resolve) => stream.on('error', (e: { code: number }) => resolve(e.code)));
    stream.cancel();
    assert.equal(await ended, grpcStatus.CANCELLED);
    const res = await grpc.unary(NtkService.method.computeKernel, { architecture: fcNet(), x1: xTensor });
    assert.deepEqual(decodeTensor(res.nngp, 'nngp').shape, [6, 6]);
  });

  describe('bad input → a clear status', () => {
    const image = tensor([2, 4, 4, 1], new Array(32).fill(0.5));
    const expectStatus = async (call: Promise<unknown>, code: number, pattern: RegExp) => {
      await assert.rejects(call, (e: { code: number; details: string }) => {
        // connect-node percent-encodes grpc-message and grpc-js hands it over as sent.
        const details = decodeURIComponent(e.details);
        assert.equal(e.code, code, details);
        assert.match(details, pattern);
        return true;
      });
    };
    const kernel = (request: Parameters<typeof connect.computeKernel>[0]) => grpc.unary(NtkService.method.computeKernel, request);

    it('Dense after Conv without Flatten names the layer', () => expectStatus(kernel({
      architecture: { root: serial({ kind: { case: 'conv', value: { window: [3, 3], padding: Padding.SAME } } }, relu, dense()) }, x1: image,
    }), grpcStatus.INVALID_ARGUMENT, /architecture\.root\.layers\[2\] \(Dense\): input is an image \[4, 4, 512\]; add Flatten or GlobalAvgPool/));

    it('missing architecture, unset layer kind, bad conv window', async () => {
      await expectStatus(kernel({ x1: xTensor }), grpcStatus.INVALID_ARGUMENT, /architecture\.root: is required/);
      await expectStatus(kernel({ architecture: { root: serial(dense(), {}) }, x1: xTensor }), grpcStatus.INVALID_ARGUMENT, /architecture\.root\.layers\[1\]: layer kind is not set/);
      await expectStatus(kernel({ architecture: { root: serial({ kind: { case: 'conv', value: { window: [3] } } }) }, x1: image }), grpcStatus.INVALID_ARGUMENT, /conv\.window: needs 2 values/);
      await expectStatus(kernel({ architecture: fcNet(), x1: xTensor, kinds: [KernelKind.UNSPECIFIED] }), grpcStatus.INVALID_ARGUMENT, /kinds: must include KERNEL_KIND_NNGP or KERNEL_KIND_NTK/);
    });

    it('malformed tensors: wrong rank, value count, byte length, NaN', async () => {
      await expectStatus(kernel({ architecture: fcNet(), x1: tensor([6, 2, 2], x.data) }), grpcStatus.INVALID_ARGUMENT, /x1\.shape: must be \[N, D\] vectors or \[N, H, W, C\] images/);
      await expectStatus(kernel({ architecture: fcNet(), x1: tensor([6, 5], x.data) }), grpcStatus.INVALID_ARGUMENT, /x1\.values: has 24 values, shape \[6,5\] needs 30/);
      await expectStatus(kernel({ architecture: fcNet(), x1: { shape: [2n, 2n], content: { case: 'data', value: { elementType: 2, data: new Uint8Array(8) } } } }), grpcStatus.INVALID_ARGUMENT, /x1\.data: has 8 bytes/);
      await expectStatus(kernel({ architecture: fcNet(), x1: tensor([1, 2], [1, NaN]) }), grpcStatus.INVALID_ARGUMENT, /x1: contains NaN/);
      await expectStatus(kernel({ architecture: fcNet(), x1: xTensor, x2: tensor([1, 3], [1, 2, 3]) }), grpcStatus.INVALID_ARGUMENT, /x2: shape \[3\] differs from x1's \[4\]/);
    });

    it('a kernel past the memory limit is RESOURCE_EXHAUSTED, and streaming is suggested', async () => {
      const n = 2000;
      await expectStatus(kernel({ architecture: fcNet(), x1: tensor([n, 1], new Array(n).fill(1)) }), grpcStatus.RESOURCE_EXHAUSTED, /stream it in blocks/);
      const gap = { root: serial({ kind: { case: 'conv', value: { window: [3, 3], padding: Padding.SAME } } }, relu, { kind: { case: 'globalAvgPool', value: {} } }, dense()) } as const;
      await expectStatus(kernel({ architecture: gap, x1: tensor([1, 40, 40, 1], new Array(1600).fill(1)) }), grpcStatus.RESOURCE_EXHAUSTED, /one input pair needs/);
    });

    it('Predict: mismatched targets, negative time, singular kernel, mismatched test shape', async () => {
      const base = { architecture: fcNet(), xTrain: xTensor, xTest: tensor([1, 4], [0, 1, 0, 1]) };
      await expectStatus(grpc.unary(NtkService.method.predict, { ...base, yTrain: tensor([5], [1, 2, 3, 4, 5]) }), grpcStatus.INVALID_ARGUMENT, /y_train\.shape: must be \[6\] or \[6, K\]/);
      await expectStatus(grpc.unary(NtkService.method.predict, { ...base, yTrain: tensor([6], [1, 2, 3, 4, 5, 6]), trainingTimes: [1, -2] }), grpcStatus.INVALID_ARGUMENT, /training_times\[1\]: must be a non-negative/);
      const twice = tensor([2, 4], [...x.data.subarray(0, 4), ...x.data.subarray(0, 4)]);
      await expectStatus(grpc.unary(NtkService.method.predict, { ...base, xTrain: twice, yTrain: tensor([2], [1, 2]), method: PredictionMethod.NNGP_POSTERIOR }), grpcStatus.INVALID_ARGUMENT, /diag_reg: the train kernel is singular/);
      await expectStatus(grpc.unary(NtkService.method.predict, { ...base, xTest: tensor([1, 3], [0, 1, 0]), yTrain: tensor([6], [1, 2, 3, 4, 5, 6]) }), grpcStatus.INVALID_ARGUMENT, /x_test\.shape: must match x_train/);
    });

    it('ComputeEmpiricalKernel: width over the limit', () => expectStatus(
      grpc.unary(NtkService.method.computeEmpiricalKernel, { architecture: fcNet(), x1: xTensor, width: 100_000 }),
      grpcStatus.INVALID_ARGUMENT, /width: must be at most 1024/));
  });
});
