// One trace from a grpc-js client through the gateway into a service, exported over OTLP/HTTP (JSON) to a
// collector the test runs: server and client spans with the rpc semantic-convention attributes.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EchoService } from '../../test/fixture/gen/nnsuite/fixture/v1/echo_pb.js';
import { startChild } from '../../test/fixture/processes.js';
import { grpcClient } from './testing.js';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
}

describe('OpenTelemetry', () => {
  it('exports one trace: client → gateway (server + client span) → service (server span)', async () => {
    const spans: OtlpSpan[] = [];
    const collector = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        for (const rs of JSON.parse(body).resourceSpans ?? []) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    const child = await startChild('test/fixture/traced-pair-main.ts', {
      NNSUITE_OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${endpoint}/v1/traces`,
    }, 'gateway');
    const gatewayPort = child.port;
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const client = grpcClient(EchoService, `127.0.0.1:${gatewayPort}`);
    await client.unary(EchoService.method.echo, { text: 'traced' }, { metadata: { traceparent: `00-${traceId}-b7ad6b7169203331-01` } });
    client.close();
    child.process.kill('SIGTERM');
    await child.exited;
    collector.close();

    const inTrace = spans.filter((s) => s.traceId === traceId && s.name === 'nnsuite.fixture.v1.EchoService/Echo');
    const attr = (s: OtlpSpan, key: string) => Object.values(s.attributes.find((a) => a.key === key)?.value ?? {})[0];
    const servers = inTrace.filter((s) => s.kind === 2);
    const clients = inTrace.filter((s) => s.kind === 3);
    assert.equal(servers.length, 2, `server spans: ${JSON.stringify(spans.map((s) => [s.name, s.kind]))}`);
    assert.equal(clients.length, 1);
    // The gateway's server span is the client's child; its client span parents the backend's server span.
    const gatewayServer = servers.find((s) => s.parentSpanId === 'b7ad6b7169203331')!;
    assert.ok(gatewayServer, 'gateway server span is the caller\'s child');
    assert.equal(clients[0].parentSpanId, gatewayServer.spanId);
    assert.ok(servers.some((s) => s.parentSpanId === clients[0].spanId), 'backend server span is the gateway client span\'s child');
    for (const s of inTrace) {
      assert.equal(attr(s, 'rpc.system'), 'grpc');
      assert.equal(attr(s, 'rpc.service'), 'nnsuite.fixture.v1.EchoService');
      assert.equal(attr(s, 'rpc.method'), 'Echo');
      assert.equal(Number(attr(s, 'rpc.grpc.status_code')), 0);
    }
  });
});
