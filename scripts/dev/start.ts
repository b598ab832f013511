// `npm start`: the whole suite on localhost with embedded defaults — every service as its own supervised
// process (restarted with back-off if it dies), then the gateway on :8080. Logs go to data/logs/<name>.log.
// Ctrl-C (SIGINT) or SIGTERM stops everything gracefully.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { MODEL_SERVICES, SERVICE_CATALOG, loadConfig, type ProcessName, type RuntimeConfig } from '../../services/runtime/config.js';
import { buildWeb, WEB_DIST } from './build-web.js';

const env: NodeJS.ProcessEnv = { NNSUITE_HOST: '127.0.0.1', NNSUITE_DATA_DIR: path.resolve('data'), ...process.env };
// Ports follow the same env overrides as each process; every process learns the others' addresses from them.
const ports = Object.fromEntries((Object.keys(SERVICE_CATALOG) as ProcessName[]).map((n) => [n, loadConfig(n, env)])) as Record<ProcessName, RuntimeConfig>;
for (const name of MODEL_SERVICES) env[`NNSUITE_${name.toUpperCase()}_ADDRESS`] ??= `127.0.0.1:${ports[name].port}`;
const logDir = path.join(env.NNSUITE_DATA_DIR!, 'logs');
mkdirSync(logDir, { recursive: true });

const children = new Map<ProcessName, ChildProcess>();
let stopping = false;

function entry(name: ProcessName): string {
  return name === 'gateway' ? 'gateway/main.ts' : `services/${name}/main.ts`;
}

function start(name: ProcessName, restarts = 0): Promise<void> {
  const log = createWriteStream(path.join(logDir, `${name}.log`), { flags: 'a' });
  const child = spawn(process.execPath, ['--import', 'tsx', entry(name)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.set(name, child);
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  // Listening once its HTTP port answers /healthz (independent of the log level), or gone if it exits.
  let exited = false;
  child.on('exit', () => (exited = true));
  const listening = (async () => {
    while (!exited && !stopping) {
      if (await fetch(`http://127.0.0.1:${ports[name].httpPort}/healthz`).then((r) => r.ok, () => false)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (stopping) return;
    const delay = Math.min(30_000, 1_000 * 2 ** restarts);
    console.log(`${name} exited (${signal ?? code}); restarting in ${delay / 1000}s — see ${path.join(logDir, name + '.log')}`);
    setTimeout(() => void start(name, restarts + 1), delay);
  });
  return listening;
}

async function waitReady(name: ProcessName, timeoutMs = 300_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopping) {
    const ok = await fetch(`http://127.0.0.1:${ports[name].httpPort}/readyz`).then((r) => r.ok, () => false);
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

function stop(): void {
  if (stopping) return;
  stopping = true;
  console.log('stopping…');
  for (const child of children.values()) child.kill('SIGTERM');
  const check = setInterval(() => children.size === 0 && (clearInterval(check), process.exit(0)), 100);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

// The gateway serves the Research Explorer page from gateway/web/dist: build it once if it never was.
if (!process.env.NNSUITE_GATEWAY_WEB_ROOT && !existsSync(path.join(WEB_DIST, 'index.html'))) console.log(`built the web page into ${await buildWeb()}`);
const names: ProcessName[] = [...MODEL_SERVICES.filter((n) => existsSync(entry(n))), 'gateway'];
await Promise.all(names.map((name) => start(name)));
console.log('nnsuite on localhost:');
for (const name of names) {
  const { port, httpPort } = ports[name];
  const what = name === 'gateway' ? 'gateway (Connect, gRPC, gRPC-Web)' : SERVICE_CATALOG[name].fullName;
  console.log(`  ${name.padEnd(10)} ${`127.0.0.1:${port}`.padEnd(16)} ${what.padEnd(40)} metrics http://127.0.0.1:${httpPort}/metrics`);
}
console.log(`logs: ${logDir}/<name>.log — waiting for models to load…`);
const ready = await Promise.all(names.map(async (name) => [name, await waitReady(name)] as const));
for (const [name, ok] of ready) if (!ok && !stopping) console.log(`  ${name} is not ready yet — see its log`);
if (!stopping) console.log(`ready: try \`npx nnsuite health\` (gateway http://127.0.0.1:${ports.gateway.port}); Ctrl-C stops the suite`);
