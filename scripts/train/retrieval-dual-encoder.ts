// Train the dual encoder (Ma et al. 2021): each question's positive is the document it was generated from;
// negatives are the batch's other documents and, per question, a BM25 hard negative (a top BM25 hit that is
// not a positive). Training questions: the query generator's synthetic questions, corpus titles as
// pseudo-questions for their abstracts (the research's own qgen data), and — unless `--supervised 0` —
// SciFact *train* claims with the abstracts they cite, from a seeded 80% of the train queries. The other
// 20% of the train queries is the dev split on which the hybrid term weight k is tuned; test queries are
// never seen. Writes the checkpoint the service loads.
//   npx tsx scripts/train/retrieval-dual-encoder.ts [--beir ../shared/data/scifact] [--queries FILE[,FILE…]] (default data/retrieval-train/synthetic-queries.jsonl)
//     [--out models/retrieval/dual-encoder] [--minutes 10] [--steps N] [--batch 64] [--dim 64] [--supervised 1] [--titles 1] [--seed 11]
import { readFileSync } from 'node:fs';
import { initBackend, tf } from '../../services/ml/backend.js';
import { readBeirCorpus, readBeirQrels, readBeirQueries } from '../../services/retrieval/corpus-readers.js';
import { indexedText } from '../../services/retrieval/document.js';
import { asTextEncoder, buildTermVocabulary, DualEncoder } from '../../services/retrieval/dual-encoder.js';
import { buildCorpusIndex, encodeQueries, hybridRun } from '../../services/retrieval/beir-evaluation.js';
import { analyze } from '../../services/retrieval/english-analyzer.js';
import { evaluateRun, type Qrels } from '../../services/retrieval/ir-metrics.js';
import { seededRandom } from '../../services/ml/seeded-random.js';
import { parseArgs } from './retrieval-args.js';

const args = parseArgs(process.argv.slice(2));
const beir = args.get('beir') ?? '../shared/data/scifact';
const queriesPath = args.get('queries') ?? 'data/retrieval-train/synthetic-queries.jsonl';
const out = args.get('out') ?? 'models/retrieval/dual-encoder';
const minutes = Number(args.get('minutes') ?? 10);
const maxSteps = Number(args.get('steps') ?? Infinity);
const batch = Number(args.get('batch') ?? 64);
const dim = Number(args.get('dim') ?? 64);
const supervised = args.get('supervised') !== '0';
const titles = args.get('titles') !== '0';
const seed = Number(args.get('seed') ?? 11);
/** Softmax scale on cosine similarities (temperature 0.05). */
const SCALE = 20;
/** Share of SciFact train queries held out as the dev split for k. */
const DEV_FRACTION = 0.2;
/** Each supervised pair is repeated this often among the training questions (they are few but real). */
const SUPERVISED_REPEATS = 4;
/** Grid of term weights k tried on the dev split: score = k·bm25 + cos, bm25 ≈ 5–60, cos ∈ [-1, 1]. */
const K_GRID = [0, 0.005, 0.01, 0.015, 0.02, 0.03, 0.04, 0.05, 0.07, 0.1, 0.15, 0.2, 0.3, 0.5, 1];
/** Only nDCG@10 is tuned, so rank 10 deep (100 candidates per side). */
const DEV_DEPTH = 10;

interface TrainingQuestion {
  query: string;
  positives: string[];
}

const backend = await initBackend();
const { documents } = readBeirCorpus(beir);
const byId = new Map(documents.map((d) => [d.id, d]));
const random = seededRandom(seed);

// Dev/train split of SciFact's train queries (seeded shuffle).
const trainQrels = readBeirQrels(beir, 'train');
const trainIds = [...trainQrels.keys()].sort();
for (let i = trainIds.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [trainIds[i], trainIds[j]] = [trainIds[j]!, trainIds[i]!];
}
const devCount = Math.round(DEV_FRACTION * trainIds.length);
const dev: Qrels = new Map(trainIds.slice(0, devCount).map((id) => [id, trainQrels.get(id)!]));
const allQueries = readBeirQueries(beir);

const questions: TrainingQuestion[] = queriesPath.split(',').flatMap((path) => readFileSync(path, 'utf8').split('\n')).filter(Boolean)
  .map((l) => JSON.parse(l) as { doc_id: string; query: string })
  .filter((q) => byId.has(q.doc_id))
  .map((q) => ({ query: q.query, positives: [q.doc_id] }));
const syntheticCount = questions.length;
if (titles) for (const d of documents) if (d.title.trim() && d.text.trim()) questions.push({ query: d.title, positives: [d.id] });
let supervisedCount = 0;
if (supervised) {
  for (const id of trainIds.slice(devCount)) {
    const positives = [...trainQrels.get(id)!.entries()].filter(([doc, rel]) => rel > 0 && byId.has(doc)).map(([doc]) => doc);
    const query = allQueries.get(id);
    if (!query || positives.length === 0) continue;
    supervisedCount++;
    for (let r = 0; r < SUPERVISED_REPEATS; r++) questions.push({ query, positives });
  }
}
const usable = questions.filter((q) => analyze(q.query).length > 0);

// BM25 hard negatives: the best-ranked document that is not a positive of the question.
const termIndex = await buildCorpusIndex(documents);
const hardNegative = usable.map((q) => {
  const hit = termIndex.bm25.search(analyze(q.query), 5).find((h) => !q.positives.includes(termIndex.document(h.slot).id));
  return hit ? termIndex.document(hit.slot).id : documents[0]!.id;
});
const vocab = buildTermVocabulary([...documents.map(indexedText), ...usable.map((q) => q.query)], 16000);
const config = { vocabSize: vocab.size, dim, maxQueryTerms: 32, maxDocumentTerms: 256 };
const model = new DualEncoder(config, vocab);
// Analyze once: term ids of every document and question.
const docIds = new Map(documents.map((d) => [d.id, model.termIds(indexedText(d), config.maxDocumentTerms)]));
const queryIds = usable.map((q) => model.termIds(q.query, config.maxQueryTerms));
console.log(JSON.stringify({ msg: 'dual encoder data', backend, documents: documents.length, syntheticQueries: syntheticCount, titles, supervisedQueries: supervisedCount, devQueries: dev.size, questions: usable.length, vocab: vocab.size }));

const optimizer = tf.train.adam(2e-3);
const started = Date.now();
let step = 0;
let smoothed = 0;
while (step < maxSteps && Date.now() - started < minutes * 60_000) {
  const picked = Array.from({ length: batch }, () => Math.floor(random() * usable.length));
  const queries = picked.map((i) => queryIds[i]!);
  const positives = picked.map((i) => usable[i]!.positives[Math.floor(random() * usable[i]!.positives.length)]!);
  const docs = [...positives, ...picked.map((i) => hardNegative[i]!)].map((id) => docIds.get(id)!);
  // A batch document that is another positive of the question is not a negative: mask its logit.
  const mask = new Float32Array(batch * 2 * batch);
  picked.forEach((qi, r) => {
    const own = usable[qi]!.positives;
    [...positives, ...picked.map((i) => hardNegative[i]!)].forEach((id, c) => {
      if (c !== r && own.includes(id)) mask[r * 2 * batch + c] = -1e4;
    });
  });
  const cost = optimizer.minimize(() => {
    const q = model.embedIds(queries);
    const d = model.embedIds(docs);
    const logits = tf.matMul(q, d, false, true).mul(SCALE).add(tf.tensor2d(mask, [batch, 2 * batch]));
    const labels = tf.oneHot(tf.range(0, batch, 1, 'int32'), 2 * batch);
    return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
  }, true, [...model.params.values()])!;
  const loss = (await cost.data())[0]!;
  cost.dispose();
  step++;
  smoothed = step === 1 ? loss : 0.98 * smoothed + 0.02 * loss;
  if (step % 25 === 0) console.log(JSON.stringify({ step, loss: +smoothed.toFixed(4), seconds: Math.round((Date.now() - started) / 1000) }));
}

// Tune k on the dev split (held-out SciFact train queries).
const encoder = asTextEncoder(model, 'training');
const index = await buildCorpusIndex(documents, encoder);
const devQueries = await encodeQueries(allQueries, [...dev.keys()], encoder);
const sweep = K_GRID.map((k) => ({ k, ndcg10: evaluateRun(hybridRun(index, devQueries, k, DEV_DEPTH), dev).mean.ndcgAt[10]! }));
const bm25 = evaluateRun(hybridRun(index, devQueries, Infinity, DEV_DEPTH), dev).mean.ndcgAt[10]!;
const best = sweep.reduce((a, b) => (b.ndcg10 > a.ndcg10 ? b : a));
console.log(JSON.stringify({ msg: 'dev sweep (held-out SciFact train queries)', bm25, sweep }));
model.save(out, {
  defaultTermWeight: best.k,
  training: { steps: step, loss: smoothed, batch, seed, syntheticQueries: syntheticCount, titles, supervisedQueries: supervisedCount, supervisedRepeats: SUPERVISED_REPEATS, questions: usable.length, backend, minutes: (Date.now() - started) / 60_000 },
  dev: { split: `scifact train, seeded ${DEV_FRACTION} held out (seed ${seed})`, queries: dev.size, bm25Ndcg10: bm25, neuralNdcg10: sweep[0]!.ndcg10, bestK: best.k, hybridNdcg10: best.ndcg10 },
});
console.log(JSON.stringify({ msg: 'saved', out, defaultTermWeight: best.k }));
