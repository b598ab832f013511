// Hybrid retrieval of the COVID-19 Research Explorer (Ma et al. 2021, §3): a document is the concatenation
// [term vector ; neural vector] and so is the query, its term part scaled by k, so
//   score(q, d) = k · bm25(q, d) + e(q) · e(d)
// and retrieval is the nearest neighbours of that query vector. The term part is raw Lucene BM25 (no
// normalisation; ≈ 5–60 for a SciFact query's top documents) and e(q)·e(d) ∈ [-1, 1], so the useful k lies
// around 0.01–0.1; its default is tuned on a dev split. Efficiently: the union of the inverted
// index's top candidates (best bm25) and the ANN's top candidates (best e(q)·e(d)) is rescored exactly with
// the full sum. A document outside both lists is below both lists' last entries on each part, so it can only
// be missed when it is near the cut-off on both; with 100+ candidates per side for 10 results that is rare.
import type { CorpusIndex } from './corpus-index.js';
import { dot } from './text-encoder.js';
import { topK } from './top-k.js';

export interface HybridHit {
  slot: number;
  score: number;
  termScore: number;
  neuralScore: number;
}

export interface HybridQuery {
  terms: readonly string[];
  /** Unit query vector; undefined ranks by BM25 alone. */
  vector?: Float32Array;
  /** Weight k of the term part, ≥ 0; 0 ranks by the neural part alone. */
  termWeight: number;
  topK: number;
  /** Restrict to these slots (a follow-up session); all of them are scored exactly. */
  within?: readonly number[];
}

/** Candidates taken from each side before exact rescoring. */
export function candidateCount(topK: number): number {
  return Math.max(100, 2 * topK);
}

export function hybridSearch(index: CorpusIndex, q: HybridQuery): HybridHit[] {
  const useTerms = q.termWeight > 0;
  const useNeural = q.vector !== undefined && index.hasVectors;
  let candidates: number[];
  if (q.within) {
    candidates = [...q.within];
  } else {
    const n = candidateCount(q.topK);
    const union = new Set<number>();
    if (useTerms || !useNeural) for (const hit of index.bm25.search(q.terms, n)) union.add(hit.slot);
    if (useNeural) for (const slot of index.nearest(q.vector!, n)) union.add(slot);
    candidates = [...union];
  }
  const termScores = index.bm25.score(q.terms, candidates);
  const neuralScores = candidates.map((slot) => {
    const v = index.vector(slot);
    return useNeural && v ? dot(q.vector!, v) : 0;
  });
  const at = new Map(candidates.map((slot, i) => [slot, i]));
  const combined = (slot: number): number => q.termWeight * termScores[at.get(slot)!]! + neuralScores[at.get(slot)!]!;
  return topK(candidates, combined, q.topK).map(({ slot, score }) => ({
    slot,
    score,
    termScore: termScores[at.get(slot)!]!,
    neuralScore: neuralScores[at.get(slot)!]!,
  }));
}
