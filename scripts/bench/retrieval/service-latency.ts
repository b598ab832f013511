// Search latency over gRPC: the retrieval process serving a prepared data directory, called directly and
// through the gateway (each call: query analysis, encoding, candidates, rescoring, snippets, serialization).
import { setTimeout as sleep } from 'node:timers/promises';
import { RetrievalService } from '../../../gen/nnsuite/retrieval/v1/retrieval_pb.js';
import { grpcClient, type GrpcTestClient } from '../../../services/runtime/testing.js';
import { startChild, type Child } from '../../../test/fixture/processes.js';

export interface Latency {
  p50: number;
  p99: number;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function searchLatency(client: GrpcTestClient, queries: readonly string[]): Promise<Latency> {
  for (;;) {
    // The process listens before its index is loaded (UNAVAILABLE until then).
    try {
      await client.unary(RetrievalService.method.search, { query: queries[0]!, topK: 10 });
      break;
    } catch {
      await sleep(200);
    }
  }
  for (const query of queries) await client.unary(RetrievalService.method.search, { query, topK: 10 }); // warm-up
  const times: number[] = [];
  for (const query of queries) {
    const t = performance.now();
    await client.unary(RetrievalService.method.search, { query, topK: 10 });
    times.push(performance.now() - t);
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

/** Start the retrieval process on `dataDir` (model `modelDir` or 'none') and a gateway in front of it. */
export async function serviceLatency(dataDir: string, modelDir: string, queries: readonly string[]): Promise<{ direct: Latency; gateway: Latency }> {
  const children: Child[] = [];
  try {
    const env = { NNSUITE_RETRIEVAL_DATA_DIR: dataDir, NNSUITE_RETRIEVAL_MODEL_DIR: modelDir, NNSUITE_RETRIEVAL_PORT: '0', NNSUITE_RETRIEVAL_HTTP_PORT: '0', NNSUITE_RETRIEVAL_HOST: '127.0.0.1' };
    const service = await startChild('services/retrieval/main.ts', env);
    children.push(service);
    const gateway = await startChild('scripts/bench/retrieval/gateway-main.ts', { BACKEND: `127.0.0.1:${service.port}` });
    children.push(gateway);
    const direct = grpcClient(RetrievalService, `127.0.0.1:${service.port}`);
    const viaGateway = grpcClient(RetrievalService, `127.0.0.1:${gateway.port}`);
    const result = { direct: await searchLatency(direct, queries), gateway: await searchLatency(viaGateway, queries) };
    direct.close();
    viaGateway.close();
    return result;
  } finally {
    for (const child of children) {
      child.process.kill('SIGTERM');
      await child.exited;
    }
  }
}
