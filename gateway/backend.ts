// A client connection from the gateway (or any service) to a backend process: gRPC over h2c, with client
// spans + traceparent injection and an HTTP/2 session that pings, so a dead backend is noticed quickly.
import type { DescService } from '@bufbuild/protobuf';
import { createClient, type Client, type Interceptor, type Transport } from '@connectrpc/connect';
import { Http2SessionManager, createGrpcTransport } from '@connectrpc/connect-node';
import { clientTelemetry } from '../services/runtime/telemetry.js';

export interface Backend {
  transport: Transport;
  client<S extends DescService>(service: S): Client<S>;
  close(): void;
}

export function connectBackend(address: string, options: { maxMessageBytes?: number; interceptors?: Interceptor[] } = {}): Backend {
  const baseUrl = /^https?:\/\//.test(address) ? address : `http://${address}`;
  const sessionManager = new Http2SessionManager(baseUrl, { pingIntervalMs: 10_000, pingTimeoutMs: 5_000, idleConnectionTimeoutMs: 60_000 });
  const transport = createGrpcTransport({
    baseUrl,
    sessionManager,
    readMaxBytes: options.maxMessageBytes ?? 64 * 1024 * 1024,
    writeMaxBytes: options.maxMessageBytes ?? 64 * 1024 * 1024,
    interceptors: [clientTelemetry(), ...(options.interceptors ?? [])],
  });
  return { transport, client: (service) => createClient(service, transport), close: () => sessionManager.abort() };
}
