// The one runtime, called directly with a plain grpc-js client: health, reflection, every call shape,
// deadlines, malformed and oversized messages, probes and a SIGTERM drain.
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { Health, HealthCheckResponse_ServingStatus as Status } from '../../gen/grpc/health/v1/health_pb.js';
import { ServerReflection } from '../../gen/grpc/reflection/v1/reflection_pb.js';
import { ServerReflection as ServerReflectionAlpha } from '../../gen/grpc/reflection/v1alpha/reflection_pb.js';
import { EchoService } from '../../test/fixture/gen/nnsuite/fixture/v1/echo_pb.js';
import { echoService } from '../../test/fixture/echo-service.js';
import { startChild } from '../../test/fixture/processes.js';
import { serve, type RunningService } from './serve.js';
import { collect, grpcClient, type GrpcTestClient } from './testing.js';
import { waitUntil } from '../../test/fixture/wait.js';

describe('service runtime', () => {
  let running: RunningService;
  let client: GrpcTestClient;
  let health: GrpcTestClient;
  const fixture = echoService();
  let releaseReady!: () => void;

  before(async () => {
    const gate = new Promise<void>((resolve) => (releaseReady = resolve));
    running = await serve({ ...fixture, ready: () => gate }, { port: 0, httpPort: 0, host: '127.0.0.1', maxMessageBytes: 64 * 1024 });
    client = grpcClient(EchoService, `127.0.0.1:${running.port}`);
    health = grpcClient(Health, `127.0.0.1:${running.port}`);
  });
  after(async () => {
    client.close();
    health.close();
    await running.close();
  });

  it('reports NOT_SERVING until ready, then SERVING, and Watch sees the change', async () => {
    const name = 'nnsuite.fixture.v1.EchoService';
    assert.equal((await health.unary(Health.method.check, { service: name })).status, Status.NOT_SERVING);
    const res = await fetch(`http://127.0.0.1:${running.httpPort}/readyz`);
    assert.equal(res.status, 503);
    const watch = health.serverStream(Health.method.watch, { service: name });
    const seen: Status[] = [];
    const twoUpdates = new Promise<void>((resolve) => watch.on('data', (m) => seen.push(m.status) === 2 && resolve()));
    watch.on('error', () => undefined);
    await new Promise((r) => setTimeout(r, 50));
    releaseReady();
    await running.ready;
    await twoUpdates;
    watch.cancel();
    assert.deepEqual(seen, [Status.NOT_SERVING, Status.SERVING]);
    assert.equal((await health.unary(Health.method.check, { service: '' })).status, Status.SERVING);
    assert.equal((await fetch(`http://127.0.0.1:${running.httpPort}/readyz`)).status, 200);
    await assert.rejects(health.unary(Health.method.check, { service: 'no.such.Service' }), { code: grpc.status.NOT_FOUND });
  });

  it('serves /healthz and Prometheus /metrics with RPC duration histograms', async () => {
    assert.equal((await fetch(`http://127.0.0.1:${running.httpPort}/healthz`)).status, 200);
    await client.unary(EchoService.method.echo, { text: 'm' });
    const text = await (await fetch(`http://127.0.0.1:${running.httpPort}/metrics`)).text();
    assert.match(text, /rpc_server_duration_bucket\{[^}]*rpc_method="Echo"/);
  });

  for (const [label, api] of [['v1', ServerReflection], ['v1alpha', ServerReflectionAlpha]] as const) {
    it(`answers server reflection ${label}: list services and the file defining a symbol`, async () => {
      const reflection = grpcClient(api, `127.0.0.1:${running.port}`);
      const call = reflection.bidi(api.method.serverReflectionInfo);
      const answers = collect(call);
      call.write({ messageRequest: { case: 'listServices', value: '' } });
      call.write({ messageRequest: { case: 'fileContainingSymbol', value: 'nnsuite.fixture.v1.EchoService' } });
      call.end();
      const [list, file] = (await answers) as any[];
      reflection.close();
      const names = list.messageResponse.value.service.map((s: { name: string }) => s.name);
      assert.ok(names.includes('nnsuite.fixture.v1.EchoService') && names.includes('grpc.health.v1.Health'), names.join());
      const protos = file.messageResponse.value.fileDescriptorProto.map((b: Uint8Array) => fromBinary(FileDescriptorProtoSchema, b).name);
      assert.ok(protos.includes('nnsuite/fixture/v1/echo.proto'), protos.join());
    });
  }

  it('serves unary, server-, client- and bidi-streaming calls', async () => {
    assert.equal((await client.unary(EchoService.method.echo, { text: 'hi' })).text, 'hi');
    const counted = await collect(client.serverStream(EchoService.method.count, { count: 3 }));
    assert.deepEqual(counted.map((m) => m.n), [1, 2, 3]);
    const sum = await new Promise<any>((resolve, reject) => {
      const call = client.clientStream(EchoService.method.sum, undefined, (e, r) => (e ? reject(e) : resolve(r)));
      for (const value of [1n, 2n, 39n]) call.write({ value });
      call.end();
    });
    assert.equal(sum.total, 42n);
    const chat = client.bidi(EchoService.method.chat);
    const replies = collect(chat);
    chat.write({ text: 'a' });
    chat.write({ text: 'b' });
    chat.end();
    assert.deepEqual((await replies).map((m) => m.text), ['echo: a', 'echo: b']);
  });

  it('returns INVALID_ARGUMENT with the field and reason readable by grpc-js (spec percent-encoding)', async () => {
    await assert.rejects(client.unary(EchoService.method.echo, { text: 'invalid input' }), {
      code: grpc.status.INVALID_ARGUMENT,
      details: 'text: must not start with "invalid": a/b?c=d & 100% café',
    });
  });

  it('reports DEADLINE_EXCEEDED and aborts the handler', async () => {
    fixture.observed.aborted.length = 0;
    await assert.rejects(client.unary(EchoService.method.echo, { text: 'slow', delayMs: 5_000 }, { deadlineMs: 200 }), { code: grpc.status.DEADLINE_EXCEEDED });
    await waitUntil(() => fixture.observed.aborted.includes('echo'));
  });

  it('rejects malformed protobuf bytes with an error status and keeps serving', async () => {
    const Raw = grpc.makeGenericClientConstructor({
      echo: { path: '/nnsuite.fixture.v1.EchoService/Echo', requestStream: false, responseStream: false, requestSerialize: (b: Buffer) => b, requestDeserialize: (b: Buffer) => b, responseSerialize: (b: Buffer) => b, responseDeserialize: (b: Buffer) => b },
    }, 'Raw');
    const raw = new Raw(`127.0.0.1:${running.port}`, grpc.credentials.createInsecure()) as any;
    const error = await new Promise<grpc.ServiceError>((resolve) => raw.echo(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]), (e: grpc.ServiceError) => resolve(e)));
    raw.close();
    assert.ok(error && [grpc.status.INVALID_ARGUMENT, grpc.status.INTERNAL].includes(error.code), `got ${error?.code}`);
    assert.equal((await client.unary(EchoService.method.echo, { text: 'still here' })).text, 'still here');
  });

  it('answers an oversized message with RESOURCE_EXHAUSTED', async () => {
    await assert.rejects(client.unary(EchoService.method.echo, { payload: new Uint8Array(128 * 1024) }), { code: grpc.status.RESOURCE_EXHAUSTED });
    assert.equal((await client.unary(EchoService.method.echo, { text: 'ok' })).text, 'ok');
  });
});

describe('service process', () => {
  it('drains a running stream on SIGTERM before exiting 0', async () => {
    const child = await startChild('test/fixture/echo-main.ts');
    const client = grpcClient(EchoService, `127.0.0.1:${child.port}`);
    const stream = client.serverStream(EchoService.method.count, { count: 8, intervalMs: 100 });
    const received: number[] = [];
    const done = new Promise<void>((resolve, reject) => {
      stream.on('data', (m) => {
        received.push(m.n);
        if (received.length === 1) child.process.kill('SIGTERM');
      });
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    await done;
    client.close();
    assert.deepEqual(received, [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(await child.exited, 0);
  });
});
