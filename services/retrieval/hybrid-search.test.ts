import assert from 'node:assert/strict';
import { initBackend } from '../ml/backend.js';
import { buildCorpusIndex } from './beir-evaluation.js';
import type { CorpusIndex } from './corpus-index.js';
import { indexedText } from './document.js';
import { asTextEncoder, buildTermVocabulary, DualEncoder } from './dual-encoder.js';
import { analyze } from './english-analyzer.js';
import { hybridSearch } from './hybrid-search.js';
import { makeTestCorpus } from './test-corpus.js';
import { dot, type TextEncoder } from './text-encoder.js';

describe('hybrid search [k·term ; neural]', function () {
  this.timeout(120_000);
  const docs = makeTestCorpus(300, 3);
  let encoder: TextEncoder;
  let index: CorpusIndex;
  const question = 'Does ACE2 receptor binding of the spike protein matter in lung cells?';

  before(async () => {
    await initBackend();
    // An untrained (randomly initialised) tiny dual encoder: these tests are about how the scores combine.
    const vocab = buildTermVocabulary(docs.map(indexedText), 500);
    encoder = asTextEncoder(new DualEncoder({ vocabSize: vocab.size, dim: 16, maxQueryTerms: 32, maxDocumentTerms: 128 }, vocab), 'test');
    index = await buildCorpusIndex(docs, encoder);
  });

  it('with a very large k ranks as BM25 does', async () => {
    const [vector] = await encoder.encodeQueries([question]);
    const terms = analyze(question);
    const bm25 = index.bm25.search(terms, 30);
    const hybrid = hybridSearch(index, { terms, vector, termWeight: 1e6, topK: 30 });
    // Same BM25 score at every rank (documents with equal BM25 scores may swap: the neural part breaks ties).
    assert.deepEqual(hybrid.map((h) => h.termScore), bm25.map((h) => h.score));
  });

  it('with k = 0 ranks as the neural encoder does (exhaustive dot products)', async () => {
    const [vector] = await encoder.encodeQueries([question]);
    const vectors = await encoder.encodeDocuments(docs.map(indexedText));
    const exhaustive = docs.map((d, i) => ({ id: d.id, score: dot(vector!, vectors[i]!) })).sort((a, b) => b.score - a.score).slice(0, 20);
    const hybrid = hybridSearch(index, { terms: analyze(question), vector, termWeight: 0, topK: 20 });
    assert.deepEqual(hybrid.map((h) => index.document(h.slot).id), exhaustive.map((e) => e.id));
    hybrid.forEach((h, i) => assert.ok(Math.abs(h.score - exhaustive[i]!.score) < 1e-5));
  });

  it('scores k·bm25 + neural for intermediate k', async () => {
    const [vector] = await encoder.encodeQueries([question]);
    for (const h of hybridSearch(index, { terms: analyze(question), vector, termWeight: 0.3, topK: 10 })) {
      assert.ok(Math.abs(h.score - (0.3 * h.termScore + h.neuralScore)) < 1e-9);
    }
  });

  it('restricted to a set, never returns anything outside it', async () => {
    const [vector] = await encoder.encodeQueries([question]);
    const within = [5, 17, 42, 99];
    const hits = hybridSearch(index, { terms: analyze(question), vector, termWeight: 0.1, topK: 10, within });
    assert.deepEqual(hits.map((h) => h.slot).sort((a, b) => a - b), within);
  });
});
