// Train the dual encoder on synthetic questions (Ma et al. 2021): each question's positive is the document it
// was generated from; negatives are the batch's other documents and, per question, a BM25 hard negative (a
// top BM25 hit that is not the positive). Then tune the hybrid term weight k on the dev split — SciFact's
// train queries, never its test queries — and save the checkpoint the service loads.
//   npx tsx scripts/train/retrieval-dual-encoder.ts [--beir ../shared/data/scifact] [--queries FILE[,FILE…]] (default data/retrieval-train/synthetic-queries.jsonl)
//     [--out models/retrieval/dual-encoder] [--minutes 10] [--batch 64]
import { readFileSync } from 'node:fs';
import { initBackend, tf } from '../../services/ml/backend.js';
import { readBeirCorpus, readBeirQrels, readBeirQueries } from '../../services/retrieval/corpus-readers.js';
import { indexedText } from '../../services/retrieval/document.js';
import { asTextEncoder, buildTermVocabulary, DualEncoder } from '../../services/retrieval/dual-encoder.js';
import { buildCorpusIndex, encodeQueries, hybridRun } from '../../services/retrieval/beir-evaluation.js';
import { analyze } from '../../services/retrieval/english-analyzer.js';
import { evaluateRun } from '../../services/retrieval/ir-metrics.js';
import { seededRandom } from '../../services/ml/seeded-random.js';
import { parseArgs } from './retrieval-args.js';

const args = parseArgs(process.argv.slice(2));
const beir = args.get('beir') ?? '../shared/data/scifact';
const queriesPath = args.get('queries') ?? 'data/retrieval-train/synthetic-queries.jsonl';
const out = args.get('out') ?? 'models/retrieval/dual-encoder';
const minutes = Number(args.get('minutes') ?? 10);
const batch = Number(args.get('batch') ?? 64);
/** Softmax scale on cosine similarities (temperature 0.05). */
const SCALE = 20;
/** Grid of term weights k tried on the dev split. */
const K_GRID = [0, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1];
/** Only nDCG@10 is tuned, so rank 10 deep (100 candidates per side). */
const DEV_DEPTH = 10;

const backend = await initBackend();
const { documents } = readBeirCorpus(beir);
const byId = new Map(documents.map((d) => [d.id, d]));
const synthetic = queriesPath.split(',').flatMap((path) => readFileSync(path, 'utf8').split('\n')).filter(Boolean)
  .map((l) => JSON.parse(l) as { doc_id: string; query: string })
  .filter((q) => byId.has(q.doc_id) && analyze(q.query).length > 0);

// BM25 hard negatives: the best-ranked document that is not the one the question was generated from.
const termIndex = await buildCorpusIndex(documents);
const hardNegative = synthetic.map((q) => {
  const hit = termIndex.bm25.search(analyze(q.query), 3).find((h) => termIndex.document(h.slot).id !== q.doc_id);
  return hit ? termIndex.document(hit.slot).id : documents[0]!.id;
});
const vocab = buildTermVocabulary([...documents.map(indexedText), ...synthetic.map((q) => q.query)], 16000);
const config = { vocabSize: vocab.size, dim: 64, maxQueryTerms: 32, maxDocumentTerms: 256 };
const model = new DualEncoder(config, vocab);
// Analyze once: term ids of every document and question.
const docIds = new Map(documents.map((d) => [d.id, model.termIds(indexedText(d), config.maxDocumentTerms)]));
const queryIds = synthetic.map((q) => model.termIds(q.query, config.maxQueryTerms));
console.log(JSON.stringify({ msg: 'dual encoder data', backend, documents: documents.length, syntheticQueries: synthetic.length, vocab: vocab.size }));

const optimizer = tf.train.adam(2e-3);
const random = seededRandom(11);
const started = Date.now();
let step = 0;
let smoothed = 0;
while (Date.now() - started < minutes * 60_000) {
  const picked = Array.from({ length: batch }, () => Math.floor(random() * synthetic.length));
  const queries = picked.map((i) => queryIds[i]!);
  const docs = [...picked.map((i) => synthetic[i]!.doc_id), ...picked.map((i) => hardNegative[i]!)].map((id) => docIds.get(id)!);
  const cost = optimizer.minimize(() => {
    const q = model.embedIds(queries);
    const d = model.embedIds(docs);
    const logits = tf.matMul(q, d, false, true).mul(SCALE);
    const labels = tf.oneHot(tf.range(0, batch, 1, 'int32'), 2 * batch);
    return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
  }, true, [...model.params.values()])!;
  const loss = (await cost.data())[0]!;
  cost.dispose();
  step++;
  smoothed = step === 1 ? loss : 0.98 * smoothed + 0.02 * loss;
  if (step % 25 === 0) console.log(JSON.stringify({ step, loss: +smoothed.toFixed(4), seconds: Math.round((Date.now() - started) / 1000) }));
}

// Tune k on the dev split (SciFact train queries).
const encoder = asTextEncoder(model, 'training');
const index = await buildCorpusIndex(documents, encoder);
const dev = readBeirQrels(beir, 'train');
const devQueries = await encodeQueries(readBeirQueries(beir), [...dev.keys()], encoder);
const sweep = K_GRID.map((k) => ({ k, ndcg10: evaluateRun(hybridRun(index, devQueries, k, DEV_DEPTH), dev).mean.ndcgAt[10]! }));
const bm25 = evaluateRun(hybridRun(index, devQueries, Infinity, DEV_DEPTH), dev).mean.ndcgAt[10]!;
const best = sweep.reduce((a, b) => (b.ndcg10 > a.ndcg10 ? b : a));
console.log(JSON.stringify({ msg: 'dev sweep (SciFact train queries)', bm25, sweep }));
model.save(out, {
  defaultTermWeight: best.k,
  training: { steps: step, loss: smoothed, batch, syntheticQueries: synthetic.length, backend, minutes: (Date.now() - started) / 60_000 },
  dev: { split: 'scifact train', queries: dev.size, bm25Ndcg10: bm25, neuralNdcg10: sweep[0]!.ndcg10, bestK: best.k, hybridNdcg10: best.ndcg10 },
});
console.log(JSON.stringify({ msg: 'saved', out, defaultTermWeight: best.k }));
