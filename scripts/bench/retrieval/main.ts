// Retrieval benchmark: BM25, neural and hybrid [k·term ; neural] on a BEIR set (SciFact test: 300 queries),
// a sweep of k, index build time, query latency in-process and over gRPC (direct and through the gateway),
// and MiniSearch's BM25 on the same queries.
//   npm run bench:retrieval -- [--beir ../shared/data/scifact] [--model models/retrieval/dual-encoder] [--json] [--no-service] [--scale 200000]
// hybrid_ndcg10 is at the default k tuned on the dev split (held-out SciFact train queries); the sweep over
// test k is shown for insight only, never used to pick k. Latency is wall time per search and, because the
// machine may be shared, also the CPU time the search itself used.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import MiniSearch from 'minisearch';
import { initBackend } from '../../../services/ml/backend.js';
import { buildCorpusIndex, encodeQueries, hybridRun } from '../../../services/retrieval/beir-evaluation.js';
import { readBeirCorpus, readBeirQrels, readBeirQueries } from '../../../services/retrieval/corpus-readers.js';
import { indexedText } from '../../../services/retrieval/document.js';
import { loadDualEncoder } from '../../../services/retrieval/dual-encoder.js';
import { evaluateRun, type Qrels, type Run } from '../../../services/retrieval/ir-metrics.js';
import { RetrievalEngine } from '../../../services/retrieval/retrieval-engine.js';
import { parseArgs } from '../../train/retrieval-args.js';
import { runScaleBenchmark } from './scale.js';
import { percentile, serviceLatency } from './service-latency.js';

const args = parseArgs(process.argv.slice(2));
const beir = args.get('beir') ?? '../shared/data/scifact';
const modelDir = args.get('model') ?? 'models/retrieval/dual-encoder';
const asJson = args.has('json');
const K_SWEEP = [0.01, 0.02, 0.03, 0.05, 0.07, 0.1, 0.2, 0.5, 1];
const DEPTH = 1000; // Anserini -hits 1000, so MAP matches trec_eval on the same run depth

if (args.has('scale')) {
  await runScaleBenchmark(Number(args.get('scale')), beir, existsSync(modelDir) ? modelDir : undefined, asJson);
  process.exit(0);
}

const { documents } = readBeirCorpus(beir);
const queries = readBeirQueries(beir);
const qrels = readBeirQrels(beir, 'test');
const qids = [...qrels.keys()];

let t = performance.now();
const termIndex = await buildCorpusIndex(documents);
const buildSeconds = (performance.now() - t) / 1000;
const termQueries = await encodeQueries(queries, qids);
const rows: { system: string; k: string; ndcg10: number; recall100: number; map: number }[] = [];
const measure = (system: string, k: string, run: Run, judged: Qrels = qrels): (typeof rows)[number] => {
  const m = evaluateRun(run, judged).mean;
  const row = { system, k, ndcg10: m.ndcgAt[10]!, recall100: m.recallAt[100]!, map: m.map };
  rows.push(row);
  return row;
};
const bm25 = measure('BM25 (Lucene analyzer, k1 0.9, b 0.4)', '∞', hybridRun(termIndex, termQueries, Infinity, DEPTH));

let neural: (typeof rows)[number] | undefined;
let hybrid: (typeof rows)[number] | undefined;
let defaultK = NaN;
let encodeSeconds = NaN;
let engine: RetrievalEngine;
const dataDir = mkdtempSync(join(tmpdir(), 'nnsuite-retrieval-bench-'));
if (existsSync(modelDir)) {
  await initBackend();
  const loaded = await loadDualEncoder(modelDir);
  defaultK = loaded.defaultTermWeight ?? NaN;
  t = performance.now();
  const index = await buildCorpusIndex(documents, loaded.encoder);
  encodeSeconds = (performance.now() - t) / 1000;
  const encoded = await encodeQueries(queries, qids, loaded.encoder);
  neural = measure('neural (dual encoder)', '0', hybridRun(index, encoded, 0, DEPTH));
  hybrid = measure('hybrid (k tuned on dev)', String(defaultK), hybridRun(index, encoded, defaultK, DEPTH));
  for (const k of K_SWEEP) measure('hybrid sweep (test, not for tuning)', String(k), hybridRun(index, encoded, k, DEPTH));
  engine = await RetrievalEngine.open({ dir: dataDir, encoder: loaded.encoder, defaultTermWeight: defaultK });
} else {
  engine = await RetrievalEngine.open({ dir: dataDir });
}
t = performance.now();
await engine.ingest(documents);
const ingestSeconds = (performance.now() - t) / 1000;

// In-process latency through RetrievalEngine.search (analysis, encoding, candidates, rescoring, snippets):
// wall time and the process's CPU time per search.
const latency = async (termWeight: number | undefined): Promise<{ wall: number[]; cpu: number[] }> => {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (const qid of qids) {
    const start = performance.now();
    const used = process.cpuUsage();
    await engine.search(queries.get(qid)!, { topK: 10, termWeight });
    const { user, system } = process.cpuUsage(used);
    wall.push(performance.now() - start);
    cpu.push((user + system) / 1000);
  }
  return { wall, cpu };
};
await latency(undefined); // warm-up
const bm25Times = await latency(1e9);
const hybridTimes = existsSync(modelDir) ? await latency(undefined) : bm25Times;
await engine.drain();
const service = args.has('no-service') ? undefined : await serviceLatency(dataDir, existsSync(modelDir) ? modelDir : 'none', qids.map((q) => queries.get(q)!));
rmSync(dataDir, { recursive: true, force: true });

// MiniSearch (its own tokenizer and BM25+), same documents and queries.
t = performance.now();
const mini = new MiniSearch<{ id: string; text: string }>({ fields: ['text'], storeFields: [] });
mini.addAll(documents.map((d) => ({ id: d.id, text: indexedText(d) })));
const miniBuildSeconds = (performance.now() - t) / 1000;
const miniRun: Run = new Map();
const miniTimes: number[] = [];
for (const qid of qids) {
  const start = performance.now();
  const hits = mini.search(queries.get(qid)!);
  miniTimes.push(performance.now() - start);
  miniRun.set(qid, new Map(hits.slice(0, DEPTH).filter((h) => h.id !== qid).map((h) => [String(h.id), h.score])));
}
const miniRow = measure('MiniSearch 7 (default tokenizer, BM25+)', '-', miniRun);

const f4 = (x: number): string => x.toFixed(4);
console.log(`\nRetrieval on ${beir}: ${documents.length} documents, ${qids.length} test queries (trec_eval -c conventions)\n`);
console.log('| system | k | nDCG@10 | R@100 | MAP |\n|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.system} | ${r.k} | ${f4(r.ndcg10)} | ${f4(r.recall100)} | ${f4(r.map)} |`);
console.log('\n| measure | value |\n|---|---|');
const ms = (xs: number[]): string => `${percentile(xs, 50).toFixed(2)} / ${percentile(xs, 99).toFixed(2)} ms`;
console.log(`| term index build (analyze + index ${documents.length} docs) | ${buildSeconds.toFixed(2)} s |`);
if (existsSync(modelDir)) console.log(`| neural encoding + HNSW build | ${encodeSeconds.toFixed(2)} s (${Math.round(documents.length / encodeSeconds)} passages/s) |`);
console.log(`| durable ingest (engine: analyze, encode, index, HNSW, segment + graph files) | ${ingestSeconds.toFixed(2)} s |`);
console.log(`| search p50 / p99, BM25 (engine, top 10 + snippets): wall; CPU | ${ms(bm25Times.wall)}; ${ms(bm25Times.cpu)} |`);
console.log(`| search p50 / p99, hybrid (engine, top 10 + snippets): wall; CPU | ${ms(hybridTimes.wall)}; ${ms(hybridTimes.cpu)} |`);
if (service) console.log(`| search p50 / p99, default k, gRPC direct; through the gateway | ${service.direct.p50.toFixed(2)} / ${service.direct.p99.toFixed(2)} ms; ${service.gateway.p50.toFixed(2)} / ${service.gateway.p99.toFixed(2)} ms |`);
console.log(`| MiniSearch build / p50 / p99 | ${miniBuildSeconds.toFixed(2)} s / ${percentile(miniTimes, 50).toFixed(2)} / ${percentile(miniTimes, 99).toFixed(2)} ms |`);
console.log(`\nAnserini reference (ir.json): BM25 flat nDCG@10 0.6789, R@100 0.9253. Latencies on a shared 2-core machine (load ${os.loadavg()[0]!.toFixed(1)}).`);
console.log(`rerun: npm run bench:retrieval -- --beir ${beir} --model ${modelDir}${asJson ? ' --json' : ''}`);
if (asJson) {
  console.log(
    JSON.stringify({
      bm25_ndcg10: +f4(bm25.ndcg10),
      neural_ndcg10: neural ? +f4(neural.ndcg10) : null,
      hybrid_ndcg10: hybrid ? +f4(hybrid.ndcg10) : null,
      hybrid_k: Number.isNaN(defaultK) ? null : defaultK,
      bm25_recall100: +f4(bm25.recall100),
      hybrid_recall100: hybrid ? +f4(hybrid.recall100) : null,
      bm25_map: +f4(bm25.map),
      hybrid_map: hybrid ? +f4(hybrid.map) : null,
      minisearch_ndcg10: +f4(miniRow.ndcg10),
      p50_ms: +percentile(hybridTimes.wall, 50).toFixed(3),
      p99_ms: +percentile(hybridTimes.wall, 99).toFixed(3),
      cpu_p50_ms: +percentile(hybridTimes.cpu, 50).toFixed(3),
      bm25_p50_ms: +percentile(bm25Times.wall, 50).toFixed(3),
      grpc_p50_ms: service ? +service.direct.p50.toFixed(3) : null,
      gateway_p50_ms: service ? +service.gateway.p50.toFixed(3) : null,
      gateway_p99_ms: service ? +service.gateway.p99.toFixed(3) : null,
      minisearch_p50_ms: +percentile(miniTimes, 50).toFixed(3),
      index_build_s: +buildSeconds.toFixed(3),
    }),
  );
}
