// Gateway overhead: unary latency and throughput direct vs through the gateway, then N concurrent bidi
// streams held through the gateway for T seconds, with the processes' RSS before and after.
//   npm run bench:gateway -- [--calls 2000] [--concurrency 32] [--seconds 5] [--streams 1000] [--hold 10] [--json]
import { readFileSync } from 'node:fs';
import { parseArgs } from '../../../cli/command.js';
import { grpcClient, type GrpcTestClient } from '../../../services/runtime/testing.js';
import { EchoService } from '../../../test/fixture/gen/nnsuite/fixture/v1/echo_pb.js';
import { startChild } from '../../../test/fixture/processes.js';

const { flags } = parseArgs(process.argv.slice(2), ['json']);
const calls = Number(flags.calls ?? 2000);
const concurrency = Number(flags.concurrency ?? 32);
const seconds = Number(flags.seconds ?? 5);
const streams = Number(flags.streams ?? 1000);
const hold = Number(flags.hold ?? 10);

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function latency(client: GrpcTestClient) {
  for (let i = 0; i < 200; i++) await client.unary(EchoService.method.echo, { text: 'warm' });
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    await client.unary(EchoService.method.echo, { text: 'ping' });
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return { p50: quantile(samples, 0.5), p99: quantile(samples, 0.99) };
}

async function throughput(client: GrpcTestClient) {
  const end = Date.now() + seconds * 1000;
  let done = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (Date.now() < end) {
      await client.unary(EchoService.method.echo, { text: 'ping' });
      done++;
    }
  }));
  return done / seconds;
}

async function holdStreams(client: GrpcTestClient) {
  let errors = 0;
  let replies = 0;
  const calls = Array.from({ length: streams }, () => {
    const call = client.bidi(EchoService.method.chat);
    call.on('data', () => replies++);
    call.on('error', () => errors++);
    return call;
  });
  for (let s = 0; s < hold; s++) {
    for (const call of calls) call.write({ text: 'tick' });
    await new Promise((r) => setTimeout(r, 1000));
  }
  const ended = calls.map((call) => new Promise<void>((resolve) => (call.on('end', resolve), call.on('error', () => resolve()))));
  for (const call of calls) call.end();
  await Promise.all(ended);
  return { errors, replies, expected: streams * hold };
}

const backend = await startChild('test/fixture/echo-main.ts');
const gateway = await startChild('scripts/bench/gateway/gateway-main.ts', { BACKEND: `127.0.0.1:${backend.port}` });
const direct = grpcClient(EchoService, `127.0.0.1:${backend.port}`);
const viaGateway = grpcClient(EchoService, `127.0.0.1:${gateway.port}`);
try {
  const d = await latency(direct);
  const g = await latency(viaGateway);
  const dQps = await throughput(direct);
  const gQps = await throughput(viaGateway);
  const rssBefore = { gateway: rssMb(gateway.process.pid!), backend: rssMb(backend.process.pid!) };
  const held = await holdStreams(viaGateway);
  const rssAfter = { gateway: rssMb(gateway.process.pid!), backend: rssMb(backend.process.pid!) };

  const rows = [
    ['unary p50 (ms)', d.p50.toFixed(3), g.p50.toFixed(3), (g.p50 / d.p50).toFixed(2)],
    ['unary p99 (ms)', d.p99.toFixed(3), g.p99.toFixed(3), (g.p99 / d.p99).toFixed(2)],
    [`unary calls/s (${concurrency} concurrent)`, dQps.toFixed(0), gQps.toFixed(0), (gQps / dQps).toFixed(2)],
  ];
  console.log(`\nunary Echo, grpc-js client, ${calls} sequential calls\n`);
  console.log('| metric | direct | via gateway | ratio |\n|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  console.log(`\n${streams} concurrent bidi streams through the gateway for ${hold} s (one message per stream per second)\n`);
  console.log('| streams | errors | replies / expected | gateway RSS before → after (MB) | backend RSS before → after (MB) |\n|---|---|---|---|---|');
  console.log(`| ${streams} | ${held.errors} | ${held.replies} / ${held.expected} | ${rssBefore.gateway.toFixed(0)} → ${rssAfter.gateway.toFixed(0)} | ${rssBefore.backend.toFixed(0)} → ${rssAfter.backend.toFixed(0)} |`);
  console.log(`\nrerun: npm run bench:gateway -- --calls ${calls} --concurrency ${concurrency} --seconds ${seconds} --streams ${streams} --hold ${hold}`);
  if (flags.json) {
    console.log(JSON.stringify({
      direct_p50_ms: d.p50, direct_p99_ms: d.p99, gateway_p50_ms: g.p50, gateway_p99_ms: g.p99,
      added_p50_pct: (g.p50 / d.p50 - 1) * 100, direct_calls_per_s: dQps, gateway_calls_per_s: gQps,
      streams, stream_errors: held.errors, stream_replies: held.replies,
      gateway_rss_before_mb: rssBefore.gateway, gateway_rss_after_mb: rssAfter.gateway,
    }));
  }
} finally {
  direct.close();
  viaGateway.close();
  gateway.process.kill('SIGTERM');
  backend.process.kill('SIGTERM');
  await Promise.all([gateway.exited, backend.exited]);
}
