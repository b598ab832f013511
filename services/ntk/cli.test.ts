// The `nnsuite ntk kernel|predict` verbs (cli/ntk.ts) against a running ntk service.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DescService } from '@bufbuild/protobuf';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport, Http2SessionManager } from '@connectrpc/connect-node';
import { kernel, predict } from '../../cli/ntk.js';
import type { CliContext } from '../../cli/command.js';
import { serve, type RunningService } from '../runtime/serve.js';
import { createNtkService } from './service.js';

describe('nnsuite ntk verbs', function () {
  this.timeout(60_000);
  let running: RunningService, sessions: Http2SessionManager, dir: string;
  const printed: string[] = [];
  let ctx: CliContext;

  before(async () => {
    running = await serve(createNtkService({ memoryLimitBytes: 2 ** 26, maxEmpiricalWidth: 64, maxEmpiricalSamples: 2 }), { port: 0, httpPort: 0, host: '127.0.0.1' });
    await running.ready;
    sessions = new Http2SessionManager(`http://127.0.0.1:${running.port}`);
    const transport = createGrpcTransport({ baseUrl: `http://127.0.0.1:${running.port}`, sessionManager: sessions });
    ctx = { client: <S extends DescService>(s: S) => createClient(s, transport), print: (line) => printed.push(line) };
    dir = mkdtempSync(join(tmpdir(), 'ntk-cli-'));
    const write = (name: string, value: unknown) => writeFileSync(join(dir, name), JSON.stringify(value));
    write('arch.json', { root: { serial: { layers: [{ dense: { wStd: 1.5, bStd: 0.1 } }, { relu: {} }, { dense: {} }] } } });
    write('x.json', [[1, 0, 0.5], [0, 1, -0.5], [0.3, 0.3, 0.3]]);
    write('y.json', [1, -1, 0]);
    write('xt.json', [[0.5, 0.5, 0]]);
  });
  after(async () => {
    sessions.abort();
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('kernel: unary and streamed results agree and are symmetric 3x3 matrices', async () => {
    const unary = JSON.parse(await kernel([join(dir, 'arch.json'), join(dir, 'x.json')], ctx));
    const streamed = JSON.parse(await kernel([join(dir, 'arch.json'), join(dir, 'x.json'), '--stream', '--block', '2'], ctx));
    assert.equal(unary.nngp.length, 3);
    assert.deepEqual(streamed, unary);
    assert.equal(unary.ntk[0][2], unary.ntk[2][0]);
    assert.ok(printed.some((l) => /^block 3\/3/.test(l)));
  });

  it('predict: t = 0 gives zero mean, t = ∞ interpolates toward the targets', async () => {
    const out = JSON.parse(await predict([join(dir, 'arch.json'), '--x-train', join(dir, 'x.json'), '--y-train', join(dir, 'y.json'),
      '--x-test', join(dir, 'x.json'), '--times', '0,inf', '--diag-reg', '1e-6'], ctx));
    assert.deepEqual(out.map((p: { time: unknown }) => p.time), [0, 'inf']);
    assert.deepEqual(out[0].mean, [[0], [0], [0]]);
    out[1].mean.forEach((row: number[], i: number) => assert.ok(Math.abs(row[0] - [1, -1, 0][i]) < 1e-3));
  });

  it('bad flags fail with a message', async () => {
    await assert.rejects(kernel([join(dir, 'arch.json'), join(dir, 'x.json'), '--kinds', 'rbf'], ctx), /--kinds: unknown kernel "rbf"/);
    await assert.rejects(predict([join(dir, 'arch.json'), '--method', 'magic'], ctx), /--method must be one of/);
  });
});
