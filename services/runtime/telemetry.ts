// OpenTelemetry for every process: W3C trace context, server and client spans with the rpc semantic
// conventions, RPC duration histograms. Nothing instruments connect-node or node:http2 (NOTES-stack), so
// spans come from Connect interceptors here. Exporters: NNSUITE_OTEL_TRACES_EXPORTER=otlp|console|none
// (default none: spans still get ids and propagate), NNSUITE_OTEL_METRICS_EXPORTER=prometheus|otlp|none
// (default prometheus, on the HTTP port's /metrics). OTLP endpoints follow the standard OTEL_EXPORTER_OTLP_* vars.
import { context, metrics, propagation, trace, SpanKind, SpanStatusCode, ROOT_CONTEXT, type Context, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type MetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, ConsoleSpanExporter, TracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { ConnectError, type Interceptor, type StreamResponse, type UnaryResponse } from '@connectrpc/connect';
import type { IncomingMessage, ServerResponse } from 'node:http';

interface Telemetry {
  tracerProvider: TracerProvider;
  meterProvider: MeterProvider;
  prometheus?: PrometheusExporter;
}

let installed: Telemetry | undefined;

/** Install the process-wide providers once; later calls return the same ones. */
export async function initTelemetry(serviceName: string, environment: NodeJS.ProcessEnv = process.env): Promise<Telemetry> {
  if (installed) return installed;
  const resource = resourceFromAttributes({ 'service.name': `nnsuite-${serviceName}`, 'service.namespace': 'nnsuite' });
  const spanProcessors: SpanProcessor[] = [];
  const traces = environment.NNSUITE_OTEL_TRACES_EXPORTER ?? 'none';
  if (traces === 'console') spanProcessors.push(new BatchSpanProcessor({ exporter: new ConsoleSpanExporter() }));
  if (traces === 'otlp') {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    spanProcessors.push(new BatchSpanProcessor({ exporter: new OTLPTraceExporter() }));
  }
  const tracerProvider = new TracerProvider({ resource, spanProcessors });
  const readers: MetricReader[] = [];
  let prometheus: PrometheusExporter | undefined;
  const metricsExporter = environment.NNSUITE_OTEL_METRICS_EXPORTER ?? 'prometheus';
  if (metricsExporter === 'prometheus') readers.push((prometheus = new PrometheusExporter({ preventServerStart: true })));
  if (metricsExporter === 'otlp') {
    const { OTLPMetricExporter } = await import('@opentelemetry/exporter-metrics-otlp-http');
    readers.push(new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter() }));
  }
  const meterProvider = new MeterProvider({ resource, readers });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  installed = { tracerProvider, meterProvider, prometheus };
  return installed;
}

/** Serve /metrics in Prometheus text format, or 404 when Prometheus is not the metrics exporter. */
export function metricsHandler(req: IncomingMessage, res: ServerResponse): void {
  if (!installed?.prometheus) {
    res.writeHead(404).end('metrics exporter is not prometheus\n');
    return;
  }
  installed.prometheus.getMetricsRequestHandler(req, res);
}

export async function shutdownTelemetry(): Promise<void> {
  await installed?.tracerProvider.forceFlush();
}

const headerGetter = {
  get: (carrier: Headers, key: string) => carrier.get(key) ?? undefined,
  keys: (carrier: Headers) => [...carrier.keys()],
};
const headerSetter = { set: (carrier: Headers, key: string, value: string) => carrier.set(key, value) };

/** The trace id of the span active in this async context, or undefined. */
export function currentTraceId(): string | undefined {
  return trace.getActiveSpan()?.spanContext().traceId;
}

/** Keep a streaming response's iteration inside the span's context, and end the span when it ends. */
async function* traced<T>(source: AsyncIterable<T>, ctx: Context, finish: (error?: unknown) => void): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await context.with(ctx, () => iterator.next());
      if (next.done) break;
      yield next.value;
    }
    finish();
  } catch (error) {
    finish(error);
    throw error;
  } finally {
    await iterator.return?.();
  }
}

function rpcInterceptor(kind: SpanKind): Interceptor {
  const tracer = trace.getTracer('nnsuite');
  const meter = metrics.getMeter('nnsuite');
  const side = kind === SpanKind.SERVER ? 'server' : 'client';
  const duration = meter.createHistogram(`rpc.${side}.duration`, { unit: 'ms', description: `Duration of ${side}-side RPCs` });
  return (next) => async (req) => {
    const attributes = { 'rpc.system': 'grpc', 'rpc.service': req.service.typeName, 'rpc.method': req.method.name };
    const parent = kind === SpanKind.SERVER ? propagation.extract(ROOT_CONTEXT, req.header, headerGetter) : context.active();
    const span: Span = tracer.startSpan(`${req.service.typeName}/${req.method.name}`, { kind, attributes }, parent);
    const ctx = trace.setSpan(parent, span);
    if (kind === SpanKind.CLIENT) propagation.inject(ctx, req.header, headerSetter);
    const started = performance.now();
    let ended = false;
    const finish = (error?: unknown) => {
      if (ended) return;
      ended = true;
      const status = error === undefined ? 0 : ConnectError.from(error).code;
      span.setAttribute('rpc.grpc.status_code', status);
      if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: ConnectError.from(error).message });
      span.end();
      duration.record(performance.now() - started, { ...attributes, 'rpc.grpc.status_code': status });
    };
    try {
      const res: UnaryResponse | StreamResponse = await context.with(ctx, () => next(req));
      if (!res.stream) {
        finish();
        return res;
      }
      return { ...res, message: traced(res.message, ctx, finish) } as StreamResponse;
    } catch (error) {
      finish(error);
      throw error;
    }
  };
}

/** Server side: extract the caller's trace context, span the call, record its duration. */
export const serverTelemetry = (): Interceptor => rpcInterceptor(SpanKind.SERVER);
/** Client side: span the call and inject traceparent so the callee joins the trace. */
export const clientTelemetry = (): Interceptor => rpcInterceptor(SpanKind.CLIENT);
