// The gateway as a service definition for the one runtime: it fronts every route's service for Connect,
// gRPC and gRPC-Web clients, answers health and reflection for all of them, and applies auth and limits.
import type { Interceptor } from '@connectrpc/connect';
import type { ServiceDefinition } from '../services/runtime/serve.js';
import { connectBackend, type Backend } from './backend.js';
import { forwardingHandlers, type Route } from './forward.js';
import { gatewayHealth } from './health.js';
import { bearerAuth, requestSizeLimits } from './policy.js';
import { staticFiles } from './static-files.js';

export interface GatewayOptions {
  routes: Route[];
  /** Bearer tokens; empty or absent = no auth. */
  tokens?: string[];
  maxMessageBytes?: number;
  /** Folder of built web assets served at `/` (HTTP/1.1 GET), if any. */
  webRoot?: string;
}

export function createGateway(options: GatewayOptions): ServiceDefinition {
  const backends = new Map<string, Backend>();
  for (const route of options.routes) backends.set(route.service.typeName, connectBackend(route.address, { maxMessageBytes: options.maxMessageBytes }));
  const interceptors: Interceptor[] = [];
  if (options.tokens?.length) interceptors.push(bearerAuth(options.tokens));
  interceptors.push(requestSizeLimits(options.routes));
  return {
    name: 'gateway',
    services: options.routes.map((r) => r.service),
    interceptors,
    routes(router) {
      for (const route of options.routes) router.service(route.service, forwardingHandlers(route, backends.get(route.service.typeName)!));
    },
    health: (registry) => gatewayHealth(registry, backends),
    fallback: options.webRoot ? staticFiles(options.webRoot) : undefined,
    async close() {
      for (const backend of backends.values()) backend.close();
    },
  };
}
