// `npm start` brings the whole suite up (each service its own process, then the gateway), and the CLI —
// through the gateway — sees every service serving; SIGTERM stops them all.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { promisify } from 'node:util';
import { SERVICE_CATALOG, type ProcessName } from '../../services/runtime/config.js';

const run = promisify(execFile);

describe('npm start', function () {
  this.timeout(600_000);

  it('brings every service up behind the gateway; `nnsuite health` reports all serving; `nnsuite list` lists them', async () => {
    // Ports offset from the defaults so the test does not collide with a suite already running here.
    const env: NodeJS.ProcessEnv = { ...process.env, NNSUITE_DATA_DIR: mkdtempSync('/tmp/nnsuite-start-'), NNSUITE_LOG_LEVEL: 'warn' };
    for (const [name, { port, httpPort }] of Object.entries(SERVICE_CATALOG) as [ProcessName, { port: number; httpPort: number }][]) {
      env[`NNSUITE_${name.toUpperCase()}_PORT`] = String(port + 10_000);
      env[`NNSUITE_${name.toUpperCase()}_HTTP_PORT`] = String(httpPort + 10_000);
    }
    const gateway = `http://127.0.0.1:${SERVICE_CATALOG.gateway.port + 10_000}`;
    const launcher = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev/start.ts'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    launcher.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => launcher.on('exit', resolve));
    try {
      const deadline = Date.now() + 540_000;
      while (!output.includes('ready:') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
      assert.match(output, /ready:/, output);
      assert.doesNotMatch(output, /not ready/, output);
      const cli = (...args: string[]) => run(process.execPath, ['bin/nnsuite.js', ...args], { env: { ...env, NNSUITE_GATEWAY: gateway } });
      const health = (await cli('health')).stdout.trim().split('\n');
      assert.equal(health.at(-1), '7/7 serving', health.join('\n'));
      const list = (await cli('list')).stdout;
      for (const name of Object.values(SERVICE_CATALOG).map((s) => s.fullName).filter(Boolean)) assert.ok(list.includes(name), `${name} missing from:\n${list}`);
    } finally {
      launcher.kill('SIGTERM');
      assert.equal(await exited, 0);
    }
  });
});
