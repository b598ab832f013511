import assert from 'node:assert/strict';
import { Bm25Index, luceneNormLength } from './bm25-index.js';

describe('BM25 index (Lucene BM25Similarity, k1 0.9, b 0.4)', () => {
  it('encodes document lengths like Lucene SmallFloat.intToByte4/byte4ToInt', () => {
    // Exact below 24; above, 4 significant bits: 100 → 96, 1000 → 984 (hand-computed from SmallFloat).
    assert.deepEqual([0, 1, 23, 24, 40, 41, 100, 1000].map(luceneNormLength), [0, 1, 23, 24, 40, 40, 96, 984]);
  });

  it('scores a hand-checked case', () => {
    const index = new Bm25Index();
    index.add(['covid', 'lung', 'covid']); // doc 0: length 3
    index.add(['lung', 'heart']); // doc 1: length 2
    index.add(['heart', 'brain', 'brain', 'kidney']); // doc 2: length 4
    // N = 3, avgdl = 3. "covid": df 1, idf = ln(1 + 2.5/1.5); doc 0: tf 2, |d| 3 → 2 / (2 + 0.9).
    const idfCovid = Math.log(1 + 2.5 / 1.5);
    const idfLung = Math.log(1 + 1.5 / 2.5);
    const expected0 = idfCovid * (2 / (2 + 0.9)) + idfLung * (1 / (1 + 0.9));
    const expected1 = idfLung * (1 / (1 + 0.9 * (1 - 0.4 + (0.4 * 2) / 3)));
    const hits = index.search(['covid', 'lung'], 10);
    assert.deepEqual(hits.map((h) => h.slot), [0, 1]);
    assert.ok(Math.abs(hits[0]!.score - expected0) < 1e-12);
    assert.ok(Math.abs(hits[1]!.score - expected1) < 1e-12);
    assert.deepEqual([...index.score(['covid', 'lung'], [1, 0, 2])], [hits[1]!.score, hits[0]!.score, 0]);
  });

  it('counts a repeated query term as often as it appears', () => {
    const index = new Bm25Index();
    index.add(['a1', 'b1']);
    index.add(['b1', 'c1']);
    const once = index.search(['a1'], 1)[0]!.score;
    assert.ok(Math.abs(index.search(['a1', 'a1'], 1)[0]!.score - 2 * once) < 1e-12);
  });

  it('forgets a removed document: it is not returned and document frequencies drop', () => {
    const index = new Bm25Index();
    const a = index.add(['virus', 'cell']);
    index.add(['virus']);
    const before = index.idfOf('virus');
    index.remove(a, ['virus', 'cell']);
    assert.equal(index.documentCount, 1);
    assert.deepEqual(index.search(['cell'], 10), []);
    assert.ok(index.idfOf('virus') !== before);
    assert.equal(index.idfOf('virus'), Math.log(1 + 0.5 / 1.5));
  });
});
