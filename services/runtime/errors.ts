// Handlers turn domain failures into gRPC statuses here and nowhere else (ARCHITECTURE.md).
// Each error names the request field at fault so any client, in any language, can tell what to fix.
import { Code, ConnectError } from '@connectrpc/connect';

/** INVALID_ARGUMENT naming the field and the reason: `query: must not be empty`. */
export function invalidArgument(field: string, reason: string): ConnectError {
  return new ConnectError(`${field}: ${reason}`, Code.InvalidArgument);
}

/** NOT_FOUND naming what was looked up: `session "abc" not found`. */
export function notFound(what: string, id: string): ConnectError {
  return new ConnectError(`${what} "${id}" not found`, Code.NotFound);
}

export function resourceExhausted(reason: string): ConnectError {
  return new ConnectError(reason, Code.ResourceExhausted);
}

export function failedPrecondition(reason: string): ConnectError {
  return new ConnectError(reason, Code.FailedPrecondition);
}

export function unavailable(reason: string): ConnectError {
  return new ConnectError(reason, Code.Unavailable);
}

/** Check a condition on a request field, throwing INVALID_ARGUMENT when it fails. */
export function require(condition: unknown, field: string, reason: string): asserts condition {
  if (!condition) throw invalidArgument(field, reason);
}
