// Scale run of the retrieval benchmark: a generated corpus of N abstract-sized documents (sentences of the
// BEIR corpus recombined at random), ingested through RetrievalEngine into a data directory: ingest time,
// index size on disk, RSS, query latency, and neural encoding throughput on a sample.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBeirCorpus, readBeirQueries } from '../../../services/retrieval/corpus-readers.js';
import { emptyDocument, indexedText, type StoredDocument } from '../../../services/retrieval/document.js';
import { loadDualEncoder } from '../../../services/retrieval/dual-encoder.js';
import { seededRandom } from '../../../services/ml/seeded-random.js';
import { RetrievalEngine } from '../../../services/retrieval/retrieval-engine.js';
import { splitSentences } from '../../../services/retrieval/sentence-splitter.js';
import { percentile } from './service-latency.js';

export async function runScaleBenchmark(count: number, beir: string, modelDir: string | undefined, asJson: boolean): Promise<void> {
  const source = readBeirCorpus(beir).documents;
  const sentences = source.flatMap((d) => splitSentences(d.text).map((s) => d.text.slice(s.start, s.end)));
  const titles = source.map((d) => d.title);
  const random = seededRandom(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const generate = (i: number): StoredDocument => ({
    ...emptyDocument(`gen-${i}`),
    title: pick(titles),
    text: Array.from({ length: 8 + Math.floor(random() * 5) }, () => pick(sentences)).join(' '),
  });
  const dir = mkdtempSync(join(tmpdir(), 'nnsuite-retrieval-scale-'));
  const engine = await RetrievalEngine.open({ dir });
  const start = performance.now();
  const batch = 10_000;
  for (let i = 0; i < count; i += batch) {
    await engine.ingest(Array.from({ length: Math.min(batch, count - i) }, (_, j) => generate(i + j)));
    if (!asJson) console.log(`ingested ${Math.min(count, i + batch)} / ${count} in ${((performance.now() - start) / 1000).toFixed(0)} s`);
  }
  const ingestSeconds = (performance.now() - start) / 1000;
  const diskBytes = readdirSync(dir).reduce((s, f) => s + statSync(join(dir, f)).size, 0);
  const rss = process.memoryUsage().rss;
  const queries = [...readBeirQueries(beir).values()].slice(0, 300);
  const times: number[] = [];
  const cpu: number[] = [];
  for (const q of queries) {
    const t = performance.now();
    const used = process.cpuUsage();
    await engine.search(q, { topK: 10 });
    const { user, system } = process.cpuUsage(used);
    times.push(performance.now() - t);
    cpu.push((user + system) / 1000);
  }
  let passagesPerSecond = NaN;
  if (modelDir) {
    const { encoder } = await loadDualEncoder(modelDir);
    const sample = Array.from({ length: 2000 }, (_, i) => indexedText(generate(count + i)));
    const t = performance.now();
    await encoder.encodeDocuments(sample);
    passagesPerSecond = sample.length / ((performance.now() - t) / 1000);
  }
  rmSync(dir, { recursive: true, force: true });
  console.log(`\nScale: ${count} generated abstract-sized documents (term index, durable store)\n`);
  console.log('| measure | value |\n|---|---|');
  console.log(`| ingest (analyze, index, commit) | ${ingestSeconds.toFixed(1)} s (${Math.round(count / ingestSeconds)} docs/s) |`);
  console.log(`| store on disk | ${(diskBytes / 2 ** 20).toFixed(1)} MiB |`);
  console.log(`| RSS after ingest | ${(rss / 2 ** 20).toFixed(0)} MiB |`);
  console.log(`| search p50 / p99 (BM25, top 10 + snippets): wall; CPU | ${percentile(times, 50).toFixed(2)} / ${percentile(times, 99).toFixed(2)} ms; ${percentile(cpu, 50).toFixed(2)} / ${percentile(cpu, 99).toFixed(2)} ms |`);
  const encoding = Number.isNaN(passagesPerSecond) ? 'no model' : `${Math.round(passagesPerSecond)} passages/s; all ${count} ≈ ${(count / passagesPerSecond).toFixed(0)} s (extrapolated from 2000)`;
  console.log(`| neural encoding (dual-encoder forward in typed arrays, one thread) | ${encoding} |`);
  console.log(`rerun: npm run bench:retrieval -- --scale ${count} --beir ${beir}${modelDir ? ` --model ${modelDir}` : ''}${asJson ? ' --json' : ''}`);
  if (asJson) {
    console.log(JSON.stringify({ scale_docs: count, ingest_s: +ingestSeconds.toFixed(2), disk_mib: +(diskBytes / 2 ** 20).toFixed(1), rss_mib: Math.round(rss / 2 ** 20), p50_ms: +percentile(times, 50).toFixed(3), p99_ms: +percentile(times, 99).toFixed(3), cpu_p50_ms: +percentile(cpu, 50).toFixed(3), encode_passages_per_s: Number.isNaN(passagesPerSecond) ? null : Math.round(passagesPerSecond) }));
  }
}
