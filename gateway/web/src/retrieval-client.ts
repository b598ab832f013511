// The page's only link to the suite: the gateway's Connect endpoint on the origin that served the page
// (HTTP/1.1 from a browser; the gateway forwards to the retrieval service), with the generated contract.
// A gateway run with bearer tokens (NNSUITE_GATEWAY_TOKENS) gets the token the user typed, if any.
import { Code, ConnectError, createClient, type Client, type Interceptor } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-web';
import { RetrievalService } from '../../../gen/nnsuite/retrieval/v1/retrieval_pb.js';

export type RetrievalClient = Client<typeof RetrievalService>;

export function retrievalClient(baseUrl: string, token: () => string | null): RetrievalClient {
  const bearer: Interceptor = (next) => (request) => {
    const value = token();
    if (value) request.header.set('authorization', `Bearer ${value}`);
    return next(request);
  };
  return createClient(RetrievalService, createConnectTransport({ baseUrl, interceptors: [bearer] }));
}

/** A sentence for the error state: what went wrong in words, with the service's own reason when it gave one. */
export function describeError(error: unknown): string {
  const e = ConnectError.from(error);
  switch (e.code) {
    case Code.InvalidArgument:
      return `The question was not accepted: ${e.rawMessage}.`;
    case Code.NotFound:
      return `${e.rawMessage}. The follow-up session may have expired — start a new search.`;
    case Code.Unavailable:
      return 'The retrieval service is not reachable right now (it may still be loading its index). Try again in a moment.';
    case Code.DeadlineExceeded:
      return 'The search took too long. Try a shorter question or fewer results.';
    case Code.Unauthenticated:
      return 'This gateway needs an access token: enter it below.';
    case Code.PermissionDenied:
      return `The gateway refused the call: ${e.rawMessage}.`;
    case Code.Canceled:
      return 'The search was cancelled.';
    default:
      return `The search failed (${Code[e.code]}): ${e.rawMessage}`;
  }
}
