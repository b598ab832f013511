import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DescService } from '@bufbuild/protobuf';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport, Http2SessionManager } from '@connectrpc/connect-node';
import { cost, run } from '../../cli/morphnet.js';
import type { CliContext } from '../../cli/command.js';
import { serve, type RunningService } from '../runtime/serve.js';
import { vggLike } from './example-networks.js';
import { networkToJson } from './network-proto.js';
import { createMorphnetService } from './service.js';
import { tinyNet } from './test-fixtures.js';

describe('nnsuite morphnet CLI verbs', function () {
  this.timeout(200_000);
  let dir: string;
  let running: RunningService;
  let sessions: Http2SessionManager;
  const printed: string[] = [];
  let ctx: CliContext;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nnsuite-morphnet-cli-'));
    running = await serve(createMorphnetService({}), { port: 0, httpPort: 0, dataDir: dir, env: { ...process.env, NNSUITE_LOG_LEVEL: 'warn' } });
    const baseUrl = `http://127.0.0.1:${running.port}`;
    sessions = new Http2SessionManager(baseUrl);
    const transport = createGrpcTransport({ baseUrl, sessionManager: sessions });
    ctx = { client: <S extends DescService>(s: S) => createClient(s, transport), print: (line) => printed.push(line) };
  });
  after(async () => {
    sessions.abort();
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('cost reads NET.json (protobuf JSON) and prints per-layer costs, totals last', async () => {
    const file = path.join(dir, 'vgg.json');
    writeFileSync(file, JSON.stringify(networkToJson(vggLike())));
    const last = JSON.parse(await cost([file], ctx));
    assert.equal(last.total_flops, 225792 + 7225344 + 3612672 + 7225344 + 401408 + 1280);
    assert.ok(printed.some((l) => /^conv2\s+conv\s+28×28×32\s+7225344/.test(l)));
    await assert.rejects(cost([path.join(dir, 'missing.json')], ctx), /missing.json/);
  });

  it('run starts a job and, with --wait, prints the learned structure', async () => {
    const file = path.join(dir, 'tiny.json');
    writeFileSync(file, JSON.stringify(networkToJson(tinyNet(8, 8))));
    const last = JSON.parse(await run([file, '--target', 'flops', '--strength', '20', '--dataset', 'synthetic', '--train-steps', '10', '--retrain-steps', '5', '--batch-size', '32', '--wait'], ctx));
    assert.match(last.job, /^jobs\//);
    assert.ok(last.expanded_flops <= last.seed_flops);
    assert.ok(printed.some((l) => l.startsWith('shrunk:')));
    await assert.rejects(run([file, '--target', 'speed'], ctx), /--target must be one of flops, size, latency/);
  });
});
