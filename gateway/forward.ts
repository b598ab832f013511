// Generic forwarding: for every method of a fronted service, a handler that calls the backend with the same
// request and streams the answer back — unary, client-, server- and bidi-streaming alike. Deadlines (the
// smaller of the caller's and the route's), cancellation, trace context and caller metadata travel along;
// backend statuses come back unchanged, and an unreachable backend is UNAVAILABLE.
import type { DescService } from '@bufbuild/protobuf';
import type { CallOptions, HandlerContext, ServiceImpl } from '@connectrpc/connect';
import type { Backend } from './backend.js';

export interface Route {
  service: DescService;
  /** host:port of the backend. */
  address: string;
  /** Upper bound on each call's deadline, in ms. */
  timeoutMs?: number;
  /** Largest request message accepted on this route, in bytes. */
  maxRequestBytes?: number;
}

// Headers the transports set themselves, or that the client span re-creates (traceparent).
const NOT_FORWARDED = new Set([
  'content-type', 'content-length', 'content-encoding', 'accept-encoding', 'te', 'host', 'connection', 'keep-alive',
  'transfer-encoding', 'upgrade', 'user-agent', 'traceparent', 'tracestate', 'grpc-timeout', 'grpc-encoding',
  'grpc-accept-encoding', 'connect-protocol-version', 'connect-timeout-ms', 'connect-content-encoding',
  'connect-accept-encoding', 'x-grpc-web', 'x-user-agent', 'date', 'grpc-status', 'grpc-message',
]);

function copyHeaders(from: Headers, to: Headers): void {
  from.forEach((value, key) => {
    if (!NOT_FORWARDED.has(key) && !key.startsWith(':')) to.set(key, value);
  });
}

function callOptions(ctx: HandlerContext, route: Route): CallOptions {
  const headers = new Headers();
  copyHeaders(ctx.requestHeader, headers);
  const callerMs = ctx.timeoutMs();
  const timeoutMs = callerMs === undefined ? route.timeoutMs : route.timeoutMs === undefined ? callerMs : Math.min(callerMs, route.timeoutMs);
  return {
    signal: ctx.signal,
    timeoutMs,
    headers,
    onHeader: (h) => copyHeaders(h, ctx.responseHeader),
    onTrailer: (t) => copyHeaders(t, ctx.responseTrailer),
  };
}

export function forwardingHandlers(route: Route, backend: Backend): ServiceImpl<DescService> {
  const client = backend.client(route.service) as Record<string, (input: unknown, options: CallOptions) => unknown>;
  const impl: Record<string, unknown> = {};
  for (const method of route.service.methods) {
    const call = client[method.localName];
    switch (method.methodKind) {
      case 'unary':
      case 'client_streaming':
        impl[method.localName] = (input: unknown, ctx: HandlerContext) => call(input, callOptions(ctx, route));
        break;
      case 'server_streaming':
      case 'bidi_streaming':
        impl[method.localName] = async function* (input: unknown, ctx: HandlerContext) {
          yield* call(input, callOptions(ctx, route)) as AsyncIterable<unknown>;
        };
        break;
    }
  }
  return impl as ServiceImpl<DescService>;
}
