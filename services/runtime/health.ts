// grpc.health.v1.Health: per-service serving status, NOT_SERVING while models load, Watch streams changes.
// The whole server is the service "" (what Kubernetes' grpc probe asks by default).
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, type ServiceImpl } from '@connectrpc/connect';
import { Health, HealthCheckResponseSchema, HealthCheckResponse_ServingStatus as Status, HealthListResponseSchema } from '../../gen/grpc/health/v1/health_pb.js';

export { Status as ServingStatus };

export class HealthRegistry {
  private readonly statuses = new Map<string, Status>();
  private readonly listeners = new Set<() => void>();

  constructor(serviceNames: string[], initial: Status = Status.NOT_SERVING) {
    this.statuses.set('', initial);
    for (const name of serviceNames) this.statuses.set(name, initial);
  }

  get(service: string): Status | undefined {
    return this.statuses.get(service);
  }

  names(): string[] {
    return [...this.statuses.keys()];
  }

  /** Set one service's status, or every service's when `service` is omitted. */
  set(status: Status, service?: string): void {
    for (const name of service === undefined ? this.names() : [service]) this.statuses.set(name, status);
    for (const notify of this.listeners) notify();
  }

  /** Resolves at the next status change or when the signal aborts. */
  changed(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.listeners.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.listeners.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

/** Health handlers over a registry. */
export function healthService(registry: HealthRegistry): ServiceImpl<typeof Health> {
  return {
    check(req) {
      const status = registry.get(req.service);
      if (status === undefined) throw new ConnectError(`unknown service "${req.service}"`, Code.NotFound);
      return create(HealthCheckResponseSchema, { status });
    },
    async *watch(req, ctx) {
      let last: Status | undefined;
      while (!ctx.signal.aborted) {
        const status = registry.get(req.service) ?? Status.SERVICE_UNKNOWN;
        if (status !== last) yield create(HealthCheckResponseSchema, { status });
        last = status;
        await registry.changed(ctx.signal);
      }
    },
    list() {
      const statuses: Record<string, ReturnType<typeof create<typeof HealthCheckResponseSchema>>> = {};
      for (const name of registry.names()) statuses[name] = create(HealthCheckResponseSchema, { status: registry.get(name) });
      return create(HealthListResponseSchema, { statuses });
    },
  };
}
