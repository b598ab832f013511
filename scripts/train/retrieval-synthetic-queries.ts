// Generate synthetic questions for every document of a corpus with the trained query generator (the
// "domain-targeted synthetic question generation" step): questions for the opening and the closing words
// of each abstract, sampled, written as JSONL {doc_id, query} for the dual encoder's training.
//   npx tsx scripts/train/retrieval-synthetic-queries.ts [--beir ../shared/data/scifact] [--qgen data/retrieval-train/query-generator]
//     [--per 2] [--closing false] [--seed 1] [--shard I/N] [--out data/retrieval-train/synthetic-queries.jsonl]
// --shard I/N generates for every N-th document starting at I, so shards can run as parallel processes.
import { appendFileSync, writeFileSync } from 'node:fs';
import { initBackend } from '../../services/ml/backend.js';
import { readBeirCorpus } from '../../services/retrieval/corpus-readers.js';
import { QueryGenerator } from '../../services/retrieval/query-generator.js';
import { words } from '../../services/retrieval/word-vocabulary.js';
import { parseArgs } from './retrieval-args.js';

const args = parseArgs(process.argv.slice(2));
const beir = args.get('beir') ?? '../shared/data/scifact';
const qgenDir = args.get('qgen') ?? 'data/retrieval-train/query-generator';
const per = Number(args.get('per') ?? 2);
const out = args.get('out') ?? 'data/retrieval-train/synthetic-queries.jsonl';
const closing = args.get('closing') !== 'false';
const seed = Number(args.get('seed') ?? 1);
const [shard, shards] = (args.get('shard') ?? '0/1').split('/').map(Number) as [number, number];

await initBackend();
const generator = QueryGenerator.load(qgenDir);
const documents = readBeirCorpus(beir).documents.filter((_, i) => i % shards === shard);
const window = generator.config.sourceLength;
// Passages: the title with the opening words, and the closing words (where SciFact-like claims often sit).
const passages: { id: string; text: string }[] = [];
for (const doc of documents) {
  const w = words(doc.text);
  passages.push({ id: doc.id, text: `${doc.title} ${w.slice(0, window).join(' ')}` });
  if (closing && w.length > window) passages.push({ id: doc.id, text: w.slice(-window).join(' ') });
}
writeFileSync(out, '');
const started = Date.now();
const batch = 64;
for (let i = 0; i < passages.length; i += batch) {
  const chunk = passages.slice(i, i + batch);
  const questions = generator.generate(chunk.map((p) => p.text), per, 20, seed + i);
  const lines = chunk.flatMap((p, j) => questions[j]!.filter((q) => q.trim()).map((q) => JSON.stringify({ doc_id: p.id, query: q })));
  appendFileSync(out, lines.join('\n') + '\n');
  if ((i / batch) % 10 === 0) console.log(JSON.stringify({ passages: i + chunk.length, of: passages.length, seconds: Math.round((Date.now() - started) / 1000), example: questions[0] }));
}
console.log(JSON.stringify({ msg: 'done', out, passages: passages.length, seconds: Math.round((Date.now() - started) / 1000) }));
