import assert from 'node:assert/strict';
import { analyze } from './english-analyzer.js';
import { Bm25Index } from './bm25-index.js';
import { topK } from './top-k.js';
import { seededRandom } from '../ml/seeded-random.js';

/** Exhaustive reference: every live slot scored by `score` (per-term sums in query order), then the plain top k. */
function exhaustive(index: Bm25Index, terms: string[], k: number, allowed?: (slot: number) => boolean) {
  const slots = [...Array(index.slotCount).keys()].filter((s) => index.isLive(s) && (!allowed || allowed(s)));
  const scores = index.score(terms, slots);
  const hit = slots.map((slot, j) => ({ slot, score: scores[j]! })).filter((h) => h.score > 0);
  return topK(hit.map((h) => h.slot), (slot) => hit.find((h) => h.slot === slot)!.score, k);
}

describe('MaxScore-pruned BM25 top k', () => {
  // Zipf-like vocabulary so a few terms are frequent (small bounds) and many rare; duplicate documents force ties.
  const random = seededRandom(7);
  const next = (n: number): number => Math.floor(random() * n);
  const zipf = (): string => `w${Math.floor(Math.exp(random() * Math.log(400)))}`;
  const index = new Bm25Index();
  const docs: string[][] = [];
  for (let i = 0; i < 1500; i++) {
    const doc = i % 10 === 9 ? docs[next(docs.length)]! : Array.from({ length: 1 + next(60) }, zipf);
    docs.push(doc);
    index.add(doc);
  }
  for (let i = 0; i < 100; i++) {
    const slot = next(docs.length);
    index.remove(slot, docs[slot]!);
  }

  it('returns exactly the exhaustive top k (docs, scores, tie order) for 400 random queries', () => {
    for (let q = 0; q < 400; q++) {
      const terms = Array.from({ length: 1 + next(8) }, () => (random() < 0.1 ? `unknown${next(5)}` : zipf()));
      if (q % 5 === 0) terms.push(terms[0]!, terms[0]!); // repeated term
      const k = [1, 3, 10, 100][q % 4]!;
      assert.deepEqual(index.search(terms, k), exhaustive(index, terms, k), `query ${terms.join(' ')} k ${k}`);
    }
  });

  it('matches exhaustive scoring for single-term, unknown-term, all-stopword and filtered queries', () => {
    for (const term of ['w1', 'w2', 'w50', 'w399']) assert.deepEqual(index.search([term], 10), exhaustive(index, [term], 10));
    assert.deepEqual(index.search(['nosuchterm'], 10), []);
    assert.deepEqual(analyze('the of and is'), []);
    assert.deepEqual(index.search(analyze('the of and is'), 10), []);
    assert.deepEqual(index.search(['w1', 'w3'], 0), []);
    const even = (slot: number): boolean => slot % 2 === 0;
    const terms = ['w1', 'w4', 'w9', 'w30', 'w1'];
    const filtered = index.search(terms, 20, even);
    assert.ok(filtered.length === 20 && filtered.every((h) => even(h.slot)));
    assert.deepEqual(filtered, exhaustive(index, terms, 20, even));
  });

  it('has ties in the corpus, so the tie order is exercised', () => {
    const hits = exhaustive(index, ['w1', 'w2'], 1500);
    assert.ok(hits.some((h, i) => i > 0 && h.score === hits[i - 1]!.score));
  });
});
