// Serves a folder of built web assets over HTTP/1.1 for requests that are not RPCs (the gateway's `/`).
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import type { NodeHandlerFn } from '../services/runtime/serve.js';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json', '.woff2': 'font/woff2',
};

export function staticFiles(root: string): NodeHandlerFn {
  const base = path.resolve(root);
  return (req, res) => {
    const send = (status: number, body: string) => void (res as ServerResponse).writeHead(status, { 'content-type': 'text/plain' }).end(body);
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = path.resolve(base, '.' + urlPath);
    if (!file.startsWith(base)) return send(403, 'forbidden\n');
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
    // Client-side routes fall back to the page itself.
    if (!existsSync(file)) file = path.join(base, 'index.html');
    if (!existsSync(file)) return send(404, 'not found\n');
    const hashed = /\/assets\//.test(file);
    (res as ServerResponse).writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    if (req.method === 'HEAD') return void (res as ServerResponse).end();
    createReadStream(file).pipe(res as ServerResponse);
  };
}
