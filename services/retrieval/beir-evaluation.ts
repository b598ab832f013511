// Build an index over a BEIR corpus and turn its rankings into trec_eval-style runs: shared by the training
// script (tuning k on the dev split) and the benchmark. BEIR/Anserini convention: a hit whose id equals the
// query id is dropped (-removeQuery).
import { CorpusIndex } from './corpus-index.js';
import { indexedText, type StoredDocument } from './document.js';
import { analyze } from './english-analyzer.js';
import { hybridSearch } from './hybrid-search.js';
import type { Run } from './ir-metrics.js';
import type { TextEncoder } from './text-encoder.js';

export async function buildCorpusIndex(documents: readonly StoredDocument[], encoder?: TextEncoder): Promise<CorpusIndex> {
  const index = new CorpusIndex(encoder?.dim);
  const vectors = encoder ? await encoder.encodeDocuments(documents.map(indexedText)) : [];
  documents.forEach((doc, i) => index.put(doc, analyze(indexedText(doc)), vectors[i]));
  return index;
}

export interface EncodedQueries {
  ids: string[];
  terms: string[][];
  vectors: (Float32Array | undefined)[];
}

export async function encodeQueries(queries: Map<string, string>, ids: readonly string[], encoder?: TextEncoder): Promise<EncodedQueries> {
  const texts = ids.map((id) => queries.get(id) ?? '');
  const vectors = encoder ? await encoder.encodeQueries(texts) : texts.map(() => undefined);
  return { ids: [...ids], terms: texts.map((t) => analyze(t)), vectors };
}

/** Rank with k·bm25 + neural (termWeight Infinity: BM25 alone; 0: neural alone). */
export function hybridRun(index: CorpusIndex, queries: EncodedQueries, termWeight: number, depth = 100): Run {
  const run: Run = new Map();
  queries.ids.forEach((qid, i) => {
    const bm25Only = termWeight === Infinity;
    const hits = hybridSearch(index, { terms: queries.terms[i]!, vector: bm25Only ? undefined : queries.vectors[i], termWeight: bm25Only ? 1 : termWeight, topK: depth + 1 });
    const scores = new Map<string, number>();
    for (const h of hits) {
      const id = index.document(h.slot).id;
      if (id !== qid && scores.size < depth) scores.set(id, h.score);
    }
    run.set(qid, scores);
  });
  return run;
}
