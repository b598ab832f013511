// Gateway policies as Connect interceptors: bearer-token auth and per-route request size limits.
import { toBinary, type DescMessage } from '@bufbuild/protobuf';
import { Code, ConnectError, type Interceptor } from '@connectrpc/connect';
import { timingSafeEqual } from 'node:crypto';
import type { Route } from './forward.js';

const OPEN_SERVICES = new Set(['grpc.health.v1.Health']);

/** UNAUTHENTICATED unless `authorization: Bearer <token>` carries one of `tokens`; health stays open for probes. */
export function bearerAuth(tokens: string[]): Interceptor {
  const known = tokens.map((t) => Buffer.from(t));
  const accepted = (token: string) => {
    const given = Buffer.from(token);
    return known.some((k) => k.length === given.length && timingSafeEqual(k, given));
  };
  return (next) => async (req) => {
    if (!OPEN_SERVICES.has(req.service.typeName)) {
      const match = /^Bearer\s+(.+)$/i.exec(req.header.get('authorization') ?? '');
      if (!match || !accepted(match[1].trim())) throw new ConnectError('missing or invalid bearer token', Code.Unauthenticated);
    }
    return next(req);
  };
}

/** RESOURCE_EXHAUSTED when a request message exceeds its route's `maxRequestBytes`. */
export function requestSizeLimits(routes: Route[]): Interceptor {
  const limits = new Map(routes.filter((r) => r.maxRequestBytes !== undefined).map((r) => [r.service.typeName, r.maxRequestBytes!]));
  const check = (schema: DescMessage, message: unknown, limit: number) => {
    const size = toBinary(schema, message as never).byteLength;
    if (size > limit) throw new ConnectError(`request message of ${size} bytes exceeds this route's limit of ${limit} bytes`, Code.ResourceExhausted);
  };
  return (next) => async (req) => {
    const limit = limits.get(req.service.typeName);
    if (limit === undefined) return next(req);
    if (!req.stream) {
      check(req.method.input, req.message, limit);
      return next(req);
    }
    const source = req.message;
    async function* limited() {
      for await (const message of source) {
        check(req.method.input, message, limit!);
        yield message;
      }
    }
    return next({ ...req, message: limited() });
  };
}
