// The `helm test` script (charts/nnsuite/files/grpc-health-check.cjs) against a real grpc-js server serving
// the standard grpc.health.v1 service: it passes only when every named service is SERVING.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { CHART_DIR, REPO_ROOT } from './helm.js';

const run = promisify(execFile);
const SCRIPT = path.join(CHART_DIR, 'files/grpc-health-check.cjs');

describe('charts/nnsuite helm test script: grpc-health-check.cjs', () => {
  const server = new grpc.Server();
  let address = '';

  before(async () => {
    new HealthImplementation({ '': 'SERVING', 'nnsuite.retrieval.v1.RetrievalService': 'SERVING', 'nnsuite.speech.v1.SpeechService': 'NOT_SERVING' }).addToServer(server);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
    address = `127.0.0.1:${port}`;
  });

  after(() => server.forceShutdown());

  /** Runs the script as the test Pod does (NODE_PATH = the image's node_modules). */
  async function checkAt(target: string, ...services: string[]): Promise<{ code: number; out: string }> {
    try {
      const { stdout } = await run(process.execPath, [SCRIPT, target, ...services], { env: { ...process.env, NODE_PATH: path.join(REPO_ROOT, 'node_modules'), HEALTH_TIMEOUT_MS: '3000' } });
      return { code: 0, out: stdout };
    } catch (error) {
      const e = error as { code: number; stdout: string };
      return { code: e.code, out: e.stdout };
    }
  }
  const check = (...services: string[]) => checkAt(address, ...services);

  it('exits 0 when the server and every named service are SERVING', async () => {
    const { code, out } = await check('', 'nnsuite.retrieval.v1.RetrievalService');
    assert.equal(code, 0, out);
    assert.match(out, /all 2 SERVING/);
  });

  it('exits 1 naming a service that is NOT_SERVING', async () => {
    const { code, out } = await check('', 'nnsuite.speech.v1.SpeechService');
    assert.equal(code, 1, out);
    assert.match(out, /FAIL .*SpeechService" NOT_SERVING/);
  });

  it('exits 1 for a service the server does not know (NOT_FOUND)', async () => {
    const { code, out } = await check('nnsuite.nope.v1.NopeService');
    assert.equal(code, 1, out);
    assert.match(out, /NOT_FOUND/);
  });

  it('exits 1 when nothing listens at the address', async () => {
    const closed = new grpc.Server();
    const port = await new Promise<number>((resolve, reject) => closed.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    closed.forceShutdown();
    const { code, out } = await checkAt(`127.0.0.1:${port}`, '');
    assert.equal(code, 1, out);
    assert.match(out, /UNAVAILABLE|DEADLINE_EXCEEDED/);
  });
});
