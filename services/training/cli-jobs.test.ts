// The `nnsuite jobs …` and `nnsuite train …` verbs (cli/jobs.ts) against a real training server.
import assert from 'node:assert/strict';
import type { DescService } from '@bufbuild/protobuf';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport, Http2SessionManager } from '@connectrpc/connect-node';
import { commands } from '../../cli/jobs.js';
import type { CliContext } from '../../cli/command.js';
import { useTestServer } from './training-test-harness.js';

describe('CLI jobs and train verbs', function () {
  this.timeout(300_000);
  const t = useTestServer();
  let sessions: Http2SessionManager;
  let ctx: CliContext;
  const printed: string[] = [];

  before(async () => {
    const baseUrl = `http://127.0.0.1:${t.server.running.port}`;
    sessions = new Http2SessionManager(baseUrl);
    const transport = createGrpcTransport({ baseUrl, sessionManager: sessions });
    ctx = { client: <S extends DescService>(service: S) => createClient(service, transport), print: (line) => printed.push(line) };
  });
  after(async () => {
    sessions.abort();
  });

  it('train --watch queues a job from --KEY VALUE flags and follows it to the end', async () => {
    const last = await commands.train.run(['training.demo-regression', '--steps', '8', '--learningRate', '0.1', '--label', 'who=cli', '--watch'], ctx);
    assert.match(last, /^jobs\/[0-9a-f-]+ SUCCEEDED result=\{.*"steps":8/);
    assert.ok(printed.some((l) => l === 'RUNNING'));
    assert.equal(printed.filter((l) => /step \d+ loss=/.test(l)).length, 8);
  });

  it('jobs list / get / types / cancel', async () => {
    assert.equal(await commands['jobs list'].run(['--label', 'who=cli', '--state', 'succeeded'], ctx), '1 jobs');
    const id = printed.at(-1)!.split(' ')[0];
    const job = JSON.parse(await commands['jobs get'].run([id], ctx));
    assert.equal(job.state, 'JOB_STATE_SUCCEEDED');
    assert.equal(job.spec.steps, 8);
    assert.match(await commands['jobs types'].run([], ctx), /^\d+ job types$/);
    await assert.rejects(commands['jobs cancel'].run([id], ctx), /already SUCCEEDED/);
    await assert.rejects(commands.train.run(['training.demo-regression', '--steps', 'many'], ctx), /job.spec.steps: must be a finite number/);
  });
});
