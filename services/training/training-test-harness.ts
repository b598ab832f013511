// Shared by the training service's tests: a server on ephemeral ports over a temporary data directory, with
// the local executor and only this service's job types, and a plain grpc-js client to it.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TrainingService } from '../../gen/nnsuite/training/v1/training_pb.js';
import { grpcClient, type GrpcTestClient } from '../runtime/testing.js';
import { JobRegistry } from './job-registry.js';
import { jobTypes } from './jobs.js';
import { LocalExecutor, type LocalExecutorOptions } from './local-executor.js';
import { startTrainingServer, type TrainingServer } from './training-server.js';

export const QUIET_ENV = { ...process.env, NNSUITE_LOG_LEVEL: 'warn' };

export function tempDataDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nnsuite-training-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestServer {
  server: TrainingServer;
  executor: LocalExecutor;
  client: GrpcTestClient;
  close(): Promise<void>;
}

export async function startTestServer(dataDir: string, executor: LocalExecutorOptions = {}): Promise<TestServer> {
  // The pure-JS backend: these models are tiny, and workers start faster without loading libtensorflow.
  const local = new LocalExecutor({ capacity: 2, killGraceMs: 2000, env: { NNSUITE_TF_BACKEND: 'cpu' }, ...executor });
  const server = await startTrainingServer({ dataDir, port: 0, httpPort: 0, shutdownGraceMs: 1000, env: QUIET_ENV, executor: local, registry: new JobRegistry().register(...jobTypes) });
  const client = grpcClient(TrainingService, `127.0.0.1:${server.running.port}`);
  return {
    server,
    executor: local,
    client,
    close: async () => {
      client.close();
      await server.close();
    },
  };
}

/** Mocha hooks for the enclosing describe: a server over a fresh data directory, started before its tests and
 * removed after them; the returned object reads through to it. */
export function useTestServer(executor: LocalExecutorOptions = {}): Omit<TestServer, 'close'> & { dataDir: string } {
  const data = tempDataDir();
  let current: TestServer | undefined;
  before(async () => {
    current = await startTestServer(data.dir, executor);
  });
  after(async () => {
    await current?.close();
    data.remove();
  });
  return {
    dataDir: data.dir,
    get server() {
      return current!.server;
    },
    get executor() {
      return current!.executor;
    },
    get client() {
      return current!.client;
    },
  };
}

/** Poll until `check` returns a value (tests never assert times; this only bounds a hang). */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 240_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
