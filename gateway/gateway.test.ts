// The gateway in front of a backend, called the ways users call it: plain grpc-js, Connect (HTTP/2 and
// HTTP/1.1) and gRPC-Web; deadlines, cancellation, trace context, auth, limits and a killed backend.
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { createClient } from '@connectrpc/connect';
import { Http2SessionManager, createConnectTransport, createGrpcWebTransport } from '@connectrpc/connect-node';
import { Health, HealthCheckResponse_ServingStatus as Status } from '../gen/grpc/health/v1/health_pb.js';
import { ServerReflection } from '../gen/grpc/reflection/v1/reflection_pb.js';
import { EchoService } from '../test/fixture/gen/nnsuite/fixture/v1/echo_pb.js';
import { echoService } from '../test/fixture/echo-service.js';
import { startChild } from '../test/fixture/processes.js';
import { serve, type RunningService } from '../services/runtime/serve.js';
import { collect, grpcClient, type GrpcTestClient } from '../services/runtime/testing.js';
import { waitUntil } from '../test/fixture/wait.js';
import { createGateway } from './gateway.js';

const FIXTURE = 'nnsuite.fixture.v1.EchoService';

describe('gateway', () => {
  const fixture = echoService();
  let backend: RunningService;
  let gateway: RunningService;
  let client: GrpcTestClient;

  before(async () => {
    backend = await serve(fixture, { port: 0, httpPort: 0, host: '127.0.0.1' });
    gateway = await serve(createGateway({ routes: [{ service: EchoService, address: `127.0.0.1:${backend.port}`, maxRequestBytes: 1024 }] }), { port: 0, httpPort: 0, host: '127.0.0.1' });
    await Promise.all([backend.ready, gateway.ready]);
    client = grpcClient(EchoService, `127.0.0.1:${gateway.port}`);
  });
  after(async () => {
    client.close();
    await gateway.close();
    await backend.close();
  });

  it('answers health for itself and, from the backend, per fully-qualified service name', async () => {
    const health = grpcClient(Health, `127.0.0.1:${gateway.port}`);
    assert.equal((await health.unary(Health.method.check, { service: '' })).status, Status.SERVING);
    assert.equal((await health.unary(Health.method.check, { service: FIXTURE })).status, Status.SERVING);
    await assert.rejects(health.unary(Health.method.check, { service: 'nnsuite.nope.v1.NopeService' }), { code: grpc.status.NOT_FOUND });
    health.close();
  });

  it('answers reflection for the services it fronts', async () => {
    const reflection = grpcClient(ServerReflection, `127.0.0.1:${gateway.port}`);
    const call = reflection.bidi(ServerReflection.method.serverReflectionInfo);
    const answers = collect(call);
    call.write({ messageRequest: { case: 'listServices', value: '' } });
    call.end();
    const [list] = (await answers) as any[];
    reflection.close();
    assert.ok(list.messageResponse.value.service.some((s: { name: string }) => s.name === FIXTURE));
  });

  it('forwards unary, server-, client- and bidi-streaming calls from a plain grpc-js client', async () => {
    assert.equal((await client.unary(EchoService.method.echo, { text: 'via gateway' })).text, 'via gateway');
    assert.deepEqual((await collect(client.serverStream(EchoService.method.count, { count: 4 }))).map((m) => m.n), [1, 2, 3, 4]);
    const sum = await new Promise<any>((resolve, reject) => {
      const call = client.clientStream(EchoService.method.sum, undefined, (e, r) => (e ? reject(e) : resolve(r)));
      for (const value of [40n, 2n]) call.write({ value });
      call.end();
    });
    assert.equal(sum.total, 42n);
    const chat = client.bidi(EchoService.method.chat);
    const replies: string[] = [];
    // Interleaved: each reply arrives before the next request is sent.
    for (const text of ['one', 'two', 'three']) {
      chat.write({ text });
      replies.push(await new Promise<string>((resolve) => chat.once('data', (m) => resolve(m.text))));
    }
    chat.end();
    assert.deepEqual(replies, ['echo: one', 'echo: two', 'echo: three']);
  });

  for (const [label, transport] of [
    ['Connect over HTTP/2', () => createConnectTransport({ baseUrl: `http://127.0.0.1:${gateway.port}`, httpVersion: '2', sessionManager: new Http2SessionManager(`http://127.0.0.1:${gateway.port}`) })],
    ['Connect over HTTP/1.1', () => createConnectTransport({ baseUrl: `http://127.0.0.1:${gateway.port}`, httpVersion: '1.1' })],
    ['gRPC-Web over HTTP/1.1', () => createGrpcWebTransport({ baseUrl: `http://127.0.0.1:${gateway.port}`, httpVersion: '1.1' })],
  ] as const) {
    it(`serves ${label} clients (unary and server streaming)`, async () => {
      const connect = createClient(EchoService, transport());
      assert.equal((await connect.echo({ text: label })).text, label);
      const ns: number[] = [];
      for await (const m of connect.count({ count: 3 })) ns.push(m.n);
      assert.deepEqual(ns, [1, 2, 3]);
    });
  }

  it('keeps the deadline: DEADLINE_EXCEEDED for the caller, and the backend handler sees the abort', async () => {
    fixture.observed.aborted.length = 0;
    await assert.rejects(client.unary(EchoService.method.echo, { text: 'slow', delayMs: 5_000 }, { deadlineMs: 300 }), { code: grpc.status.DEADLINE_EXCEEDED });
    await waitUntil(() => fixture.observed.aborted.includes('echo'));
  });

  it('carries a client cancel of a bidi stream to the backend, which frees the stream', async () => {
    fixture.observed.aborted.length = 0;
    const chat = client.bidi(EchoService.method.chat);
    chat.on('error', () => undefined);
    chat.write({ text: 'hello' });
    await new Promise((resolve) => chat.once('data', resolve));
    assert.equal(fixture.observed.openChats, 1);
    chat.cancel();
    await waitUntil(() => fixture.observed.aborted.includes('chat') && fixture.observed.openChats === 0);
  });

  it('keeps trace context and caller metadata: the backend sees the client trace id', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await client.unary(EchoService.method.echo, { text: 't' }, { metadata: { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, 'x-request-id': 'r-1' } });
    assert.equal(res.traceId, traceId);
    assert.equal(res.headers['x-request-id'], 'r-1');
  });

  it('limits request size per route with RESOURCE_EXHAUSTED', async () => {
    await assert.rejects(client.unary(EchoService.method.echo, { payload: new Uint8Array(4096) }), { code: grpc.status.RESOURCE_EXHAUSTED });
  });
});

describe('gateway with bearer tokens', () => {
  it('answers UNAUTHENTICATED without a valid token and leaves health open', async () => {
    const backend = await serve(echoService(), { port: 0, httpPort: 0, host: '127.0.0.1' });
    const gateway = await serve(createGateway({ routes: [{ service: EchoService, address: `127.0.0.1:${backend.port}` }], tokens: ['s3cret'] }), { port: 0, httpPort: 0, host: '127.0.0.1' });
    const client = grpcClient(EchoService, `127.0.0.1:${gateway.port}`);
    const health = grpcClient(Health, `127.0.0.1:${gateway.port}`);
    try {
      await assert.rejects(client.unary(EchoService.method.echo, { text: 'x' }), { code: grpc.status.UNAUTHENTICATED });
      await assert.rejects(client.unary(EchoService.method.echo, { text: 'x' }, { metadata: { authorization: 'Bearer wrong' } }), { code: grpc.status.UNAUTHENTICATED });
      assert.equal((await client.unary(EchoService.method.echo, { text: 'x' }, { metadata: { authorization: 'Bearer s3cret' } })).text, 'x');
      assert.equal((await health.unary(Health.method.check, { service: FIXTURE })).status, Status.SERVING);
    } finally {
      client.close();
      health.close();
      await gateway.close();
      await backend.close();
    }
  });
});

describe('gateway with a killed backend', () => {
  it('maps the dead backend to UNAVAILABLE within 1 s (not a hang, not a deadline)', async () => {
    const child = await startChild('test/fixture/echo-main.ts');
    const gateway = await serve(createGateway({ routes: [{ service: EchoService, address: `127.0.0.1:${child.port}` }] }), { port: 0, httpPort: 0, host: '127.0.0.1' });
    const client = grpcClient(EchoService, `127.0.0.1:${gateway.port}`);
    try {
      assert.equal((await client.unary(EchoService.method.echo, { text: 'alive' })).text, 'alive');
      child.process.kill('SIGKILL');
      await child.exited;
      // A 1 s deadline: an answer of UNAVAILABLE (rather than DEADLINE_EXCEEDED) proves it came within 1 s.
      await assert.rejects(client.unary(EchoService.method.echo, { text: 'dead?' }, { deadlineMs: 1_000 }), { code: grpc.status.UNAVAILABLE });
      const health = grpcClient(Health, `127.0.0.1:${gateway.port}`);
      assert.equal((await health.unary(Health.method.check, { service: FIXTURE }, { deadlineMs: 2_000 })).status, Status.NOT_SERVING);
      health.close();
    } finally {
      client.close();
      await gateway.close();
    }
  });
});

describe('gateway web root', () => {
  it('serves built assets over HTTP/1.1 at / next to the RPCs, and never outside the folder', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const root = mkdtempSync('/tmp/nnsuite-web-');
    writeFileSync(`${root}/index.html`, '<!doctype html><title>Research Explorer</title>');
    const backend = await serve(echoService(), { port: 0, httpPort: 0, host: '127.0.0.1' });
    const gateway = await serve(createGateway({ routes: [{ service: EchoService, address: `127.0.0.1:${backend.port}` }], webRoot: root }), { port: 0, httpPort: 0, host: '127.0.0.1' });
    try {
      const page = await fetch(`http://127.0.0.1:${gateway.port}/`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /text\/html/);
      assert.match(await page.text(), /Research Explorer/);
      const rpc = createClient(EchoService, createConnectTransport({ baseUrl: `http://127.0.0.1:${gateway.port}`, httpVersion: '1.1' }));
      assert.equal((await rpc.echo({ text: 'side by side' })).text, 'side by side');
      const escape = await fetch(`http://127.0.0.1:${gateway.port}/..%2F..%2Fetc%2Fpasswd`);
      assert.notEqual(await escape.text(), (await import('node:fs')).readFileSync('/etc/passwd', 'utf8'));
    } finally {
      await gateway.close();
      await backend.close();
    }
  });
});
