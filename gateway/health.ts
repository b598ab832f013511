// The gateway answers grpc.health.v1 for itself ("") and, by asking the backend, for every fully-qualified
// service it fronts — so one probe at the public port tells whether a service is really serving.
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, type ServiceImpl } from '@connectrpc/connect';
import { Health, HealthCheckResponseSchema, HealthCheckResponse_ServingStatus as Status, HealthListResponseSchema, type HealthCheckResponse } from '../gen/grpc/health/v1/health_pb.js';
import type { HealthRegistry } from '../services/runtime/health.js';
import type { Backend } from './backend.js';

const CHECK_TIMEOUT_MS = 1_000;
const WATCH_RETRY_MS = 1_000;

export function gatewayHealth(registry: HealthRegistry, backends: Map<string, Backend>): ServiceImpl<typeof Health> {
  const backendStatus = async (service: string, signal?: AbortSignal): Promise<Status> => {
    try {
      const res = await backends.get(service)!.client(Health).check({ service }, { timeoutMs: CHECK_TIMEOUT_MS, signal });
      return res.status;
    } catch {
      return Status.NOT_SERVING;
    }
  };
  const status = (s: Status) => create(HealthCheckResponseSchema, { status: s });
  return {
    async check(req, ctx) {
      if (req.service === '') return status(registry.get('') ?? Status.UNKNOWN);
      if (!backends.has(req.service)) throw new ConnectError(`unknown service "${req.service}"`, Code.NotFound);
      return status(await backendStatus(req.service, ctx.signal));
    },
    async *watch(req, ctx) {
      if (req.service === '' || !backends.has(req.service)) {
        yield status(req.service === '' ? registry.get('') ?? Status.UNKNOWN : Status.SERVICE_UNKNOWN);
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
        return;
      }
      let last: Status | undefined;
      while (!ctx.signal.aborted) {
        try {
          for await (const res of backends.get(req.service)!.client(Health).watch({ service: req.service }, { signal: ctx.signal })) {
            if (res.status !== last) yield res;
            last = res.status;
          }
        } catch {
          if (ctx.signal.aborted) return;
          if (last !== Status.NOT_SERVING) yield status(Status.NOT_SERVING);
          last = Status.NOT_SERVING;
        }
        await new Promise((resolve) => setTimeout(resolve, WATCH_RETRY_MS));
      }
    },
    async list(_req, ctx) {
      const statuses: Record<string, HealthCheckResponse> = { '': status(registry.get('') ?? Status.UNKNOWN) };
      await Promise.all([...backends.keys()].map(async (name) => (statuses[name] = status(await backendStatus(name, ctx.signal)))));
      return create(HealthListResponseSchema, { statuses });
    },
  };
}
