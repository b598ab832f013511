// The gateway process: fronts every service of the catalog at NNSUITE_<NAME>_ADDRESS.
//   NNSUITE_<NAME>_ROUTE_TIMEOUT_MS         upper bound on calls to that service (default: the caller's deadline)
//   NNSUITE_<NAME>_ROUTE_MAX_REQUEST_BYTES  largest request message to that service (default: the max message size)
//   NNSUITE_GATEWAY_TOKENS_FILE / NNSUITE_GATEWAY_TOKENS  bearer tokens (file: one per line; env: comma-separated)
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serviceAddress } from '../services/runtime/config.js';
import { loadCatalog } from '../services/runtime/catalog.js';
import { main } from '../services/runtime/serve.js';
import { createGateway } from './gateway.js';

function optionalInt(key: string): number | undefined {
  const raw = process.env[key];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${key}: expected a positive integer, got "${raw}"`);
  return value;
}

function tokens(): string[] {
  const file = process.env.NNSUITE_GATEWAY_TOKENS_FILE;
  const lines = file ? readFileSync(file, 'utf8').split('\n') : (process.env.NNSUITE_GATEWAY_TOKENS ?? '').split(',');
  return lines.map((t) => t.trim()).filter((t) => t && !t.startsWith('#'));
}

const routes = (await loadCatalog()).map(({ name, service }) => ({
  service,
  address: serviceAddress(name),
  timeoutMs: optionalInt(`NNSUITE_${name.toUpperCase()}_ROUTE_TIMEOUT_MS`),
  maxRequestBytes: optionalInt(`NNSUITE_${name.toUpperCase()}_ROUTE_MAX_REQUEST_BYTES`),
}));
// The Research Explorer page, once built (gateway/web), is served at `/`; NNSUITE_GATEWAY_WEB_ROOT overrides.
const webRoot = process.env.NNSUITE_GATEWAY_WEB_ROOT ?? fileURLToPath(new URL('./web/dist', import.meta.url));
await main(createGateway({ routes, tokens: tokens(), webRoot: existsSync(webRoot) ? webRoot : undefined }));
