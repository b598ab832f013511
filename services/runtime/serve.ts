// How every nnsuite process boots (ARCHITECTURE.md idiom 1): `serve({ name, services, routes, ready })`.
// One cleartext port speaks gRPC, gRPC-Web and Connect — over HTTP/2 (h2c) and, for browsers and curl,
// HTTP/1.1 (the first bytes tell them apart) — with health, reflection, telemetry and size limits; a second
// HTTP/1.1 port serves /metrics, /healthz and /readyz; SIGTERM drains in-flight calls before exit.
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import { setMaxListeners } from 'node:events';
import type { DescService } from '@bufbuild/protobuf';
import { Code, ConnectError, type ConnectRouter, type Interceptor, type ServiceImpl } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { Health } from '../../gen/grpc/health/v1/health_pb.js';
import { loadConfig, type RuntimeConfig } from './config.js';
import { HealthRegistry, ServingStatus, healthService } from './health.js';
import { createLogger, type Logger } from './log.js';
import { registerReflection } from './reflection.js';
import { initTelemetry, metricsHandler, serverTelemetry, shutdownTelemetry } from './telemetry.js';

/** A plain Node request handler (HTTP/1.1 or HTTP/2), as connect-node's adapter takes for its fallback. */
export type NodeHandlerFn = NonNullable<Parameters<typeof connectNodeAdapter>[0]['fallback']>;

export interface ServiceDefinition {
  /** Process name: config prefix (NNSUITE_<NAME>_…) and default ports (config.ts). */
  name: string;
  /** Services this process serves, for health and reflection. */
  services: DescService[];
  /** Register handlers on the router. */
  routes: (router: ConnectRouter, runtime: RuntimeContext) => void;
  /** Load models or indexes; every service reports NOT_SERVING until this resolves. */
  ready?: (runtime: RuntimeContext) => Promise<void>;
  /** Free resources after the server has drained. */
  close?: () => Promise<void>;
  /** Extra interceptors, run inside the telemetry one (the gateway's auth and limits). */
  interceptors?: Interceptor[];
  /** Answers requests that match no RPC (the gateway serves its web page here). */
  fallback?: NodeHandlerFn;
  /** Replace the local health handlers (the gateway answers health from its backends). */
  health?: (registry: HealthRegistry) => ServiceImpl<typeof Health>;
}

export interface RuntimeContext {
  config: RuntimeConfig;
  log: Logger;
  health: HealthRegistry;
  /** Aborted when shutdown's grace period is over: long-lived work should stop. */
  shutdownSignal: AbortSignal;
}

export interface ServeOptions extends Partial<Pick<RuntimeConfig, 'port' | 'httpPort' | 'host' | 'maxMessageBytes' | 'shutdownGraceMs' | 'dataDir'>> {
  env?: NodeJS.ProcessEnv;
  /** Exit the process on SIGTERM/SIGINT after draining (the default for `main.ts` entry points, off in tests). */
  handleSignals?: boolean;
  interceptors?: Interceptor[];
}

export interface RunningService extends RuntimeContext {
  port: number;
  httpPort: number;
  /** Resolves when `ready` has finished and the services report SERVING. */
  ready: Promise<void>;
  /** Stop accepting, drain in-flight calls up to the grace period, then release everything. */
  close(): Promise<void>;
}

export async function serve(def: ServiceDefinition, options: ServeOptions = {}): Promise<RunningService> {
  const environment = options.env ?? process.env;
  const config: RuntimeConfig = { ...loadConfig(def.name, environment), ...stripUndefined(options) };
  const log = createLogger(def.name, config.logLevel);
  await initTelemetry(def.name, environment);
  const health = new HealthRegistry(def.services.map((s) => s.typeName));
  const shutdown = new AbortController();
  // Every in-flight call listens on the shutdown signal; thousands of streams are normal, not a leak.
  setMaxListeners(0, shutdown.signal);
  const runtime: RuntimeContext = { config, log, health, shutdownSignal: shutdown.signal };

  const handler = connectNodeAdapter({
    routes(router) {
      def.routes(router, runtime);
      router.service(Health, def.health ? def.health(health) : healthService(health));
      registerReflection(router, [...def.services, Health]);
    },
    readMaxBytes: config.maxMessageBytes,
    writeMaxBytes: config.maxMessageBytes,
    interceptors: [serverTelemetry(), accessLog(log), ...(def.interceptors ?? []), ...(options.interceptors ?? [])],
    shutdownSignal: shutdown.signal,
    fallback: def.fallback,
  });

  const h2 = http2.createServer({ settings: { maxConcurrentStreams: 10_000 } }, withSpecGrpcMessage(handler));
  const h1 = http.createServer(withSpecGrpcMessage(handler));
  const sessions = new Set<http2.ServerHttp2Session>();
  h2.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
    // A GOAWAY or reset on an idle connection must never take the process down (connect-es #1768).
    session.on('error', (error) => log.debug('http2 session error', { error }));
  });
  h2.on('sessionError', (error) => log.debug('http2 session error', { error }));
  const main = net.createServer((socket) => {
    socket.on('error', (error) => log.debug('socket error', { error }));
    socket.once('data', (head) => {
      socket.pause();
      socket.unshift(head);
      // The HTTP/2 connection preface starts "PRI * HTTP/2.0"; anything else is HTTP/1.1.
      (head.subarray(0, 4).toString('latin1') === 'PRI ' ? h2 : h1).emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
  });

  const probes = http.createServer((req, res) => {
    const url = req.url?.split('?')[0];
    if (url === '/metrics') return metricsHandler(req, res);
    if (url === '/healthz') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    if (url === '/readyz') {
      const serving = health.get('') === ServingStatus.SERVING;
      return void res.writeHead(serving ? 200 : 503, { 'content-type': 'text/plain' }).end(serving ? 'ready\n' : 'not ready\n');
    }
    res.writeHead(404).end();
  });

  const port = await listen(main, config.port, config.host);
  const httpPort = await listen(probes, config.httpPort, config.host);
  log.info('listening', { grpc: `${config.host}:${port}`, http: `${config.host}:${httpPort}`, services: def.services.map((s) => s.typeName) });

  const ready = (async () => {
    await def.ready?.(runtime);
    health.set(ServingStatus.SERVING);
    log.info('serving');
  })();

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      log.info('shutting down', { inFlightSessions: sessions.size, graceMs: config.shutdownGraceMs });
      health.set(ServingStatus.NOT_SERVING);
      main.close();
      probes.close();
      h1.closeIdleConnections();
      // GOAWAY: no new streams; running ones finish on their own within the grace period.
      for (const session of sessions) session.close();
      const drained = await waitFor(() => sessions.size === 0, config.shutdownGraceMs);
      if (!drained) log.warn('grace period over, cancelling remaining calls', { sessions: sessions.size });
      shutdown.abort();
      for (const session of sessions) session.destroy();
      h1.closeAllConnections();
      await ready.catch(() => undefined);
      await def.close?.();
      await shutdownTelemetry();
      log.info('stopped');
    })());

  ready.catch((error) => {
    log.error('failed to become ready', { error });
    if (options.handleSignals) void close().then(() => process.exit(1));
  });
  if (options.handleSignals) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => void close().then(() => process.exit(0)));
    }
  }
  return { ...runtime, port, httpPort, ready, close };
}

/** Entry point helper for `services/<name>/main.ts`: serve with signals handled, exit 1 on a boot error. */
export async function main(def: ServiceDefinition): Promise<void> {
  try {
    await serve(def, { handleSignals: true });
  } catch (error) {
    createLogger(def.name).error('failed to start', { error });
    process.exit(1);
  }
}

/**
 * Connect percent-encodes grpc-message with encodeURIComponent (':' → %3A), while grpc-js decodes it with
 * decodeURI, which leaves reserved characters encoded — so grpc-js users would read "query%3A must not be
 * empty". Re-encode as the gRPC spec says (only '%' and bytes outside 0x20–0x7E), which every client decodes.
 */
function withSpecGrpcMessage(handler: NodeHandlerFn): NodeHandlerFn {
  const fix = (headers: unknown) => {
    const h = headers as Record<string, unknown> | undefined;
    if (h && typeof h['grpc-message'] === 'string') h['grpc-message'] = grpcPercentEncode(decodeURIComponent(h['grpc-message']));
  };
  return (req, res) => {
    const response = res as http.ServerResponse;
    const writeHead = response.writeHead.bind(response) as (...args: unknown[]) => http.ServerResponse;
    const addTrailers = response.addTrailers.bind(response);
    response.writeHead = ((...args: unknown[]) => (args.forEach((a) => typeof a === 'object' && fix(a)), writeHead(...args))) as typeof response.writeHead;
    response.addTrailers = (trailers) => (fix(trailers), addTrailers(trailers));
    handler(req, res);
  };
}

function grpcPercentEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) out += byte < 0x20 || byte > 0x7e || byte === 0x25 ? `%${byte.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(byte);
  return out;
}

/** One JSON log line per failed call (info) and per call (debug), inside the call's span so it carries the trace id. */
function accessLog(log: Logger): Interceptor {
  return (next) => async (req) => {
    const started = performance.now();
    const method = `${req.service.typeName}/${req.method.name}`;
    try {
      const res = await next(req);
      log.debug('rpc', { method, ms: Math.round(performance.now() - started) });
      return res;
    } catch (error) {
      const e = ConnectError.from(error);
      log.info('rpc failed', { method, code: Code[e.code], message: e.rawMessage, ms: Math.round(performance.now() - started) });
      throw error;
    }
  };
}

function listen(server: net.Server | http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as net.AddressInfo).port));
  });
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([k, v]) => v !== undefined && !['env', 'handleSignals', 'interceptors'].includes(k))) as Partial<T>;
}
