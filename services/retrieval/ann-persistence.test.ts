import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../ml/backend.js';
import { indexedText } from './document.js';
import { asTextEncoder, buildTermVocabulary, DualEncoder } from './dual-encoder.js';
import { RetrievalEngine } from './retrieval-engine.js';
import { makeTestCorpus } from './test-corpus.js';
import type { TextEncoder } from './text-encoder.js';

describe('HNSW graph persisted beside the corpus', function () {
  this.timeout(60_000);
  const docs = makeTestCorpus(120, 3);
  const question = 'ACE2 receptor binding in lung cells';
  let encoder: TextEncoder;
  let dir: string;
  before(async () => {
    await initBackend();
    const vocab = buildTermVocabulary(docs.map(indexedText), 400);
    encoder = asTextEncoder(new DualEncoder({ vocabSize: vocab.size, dim: 16, maxQueryTerms: 32, maxDocumentTerms: 128 }, vocab), 'test');
  });
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'nnsuite-retrieval-ann-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const ranking = async (engine: RetrievalEngine, termWeight: number): Promise<[string, number][]> =>
    (await engine.search(question, { topK: 15, termWeight })).results.map((r) => [r.doc.id, r.score]);

  it('ingest → restart reads the saved graph (no node rebuilt) and returns the same results', async () => {
    const engine = await RetrievalEngine.open({ dir, encoder });
    await engine.ingest(docs);
    await engine.delete(['doc-5']);
    await engine.ingest([{ ...docs[7]!, title: 'ACE2 receptor replaced' }]);
    const before = [await ranking(engine, 0), await ranking(engine, 0.05)];
    const reopened = await RetrievalEngine.open({ dir, encoder });
    assert.equal(reopened.index.builtAnnNodes, 0);
    assert.equal(reopened.documentCount, 119);
    assert.deepEqual([await ranking(reopened, 0), await ranking(reopened, 0.05)], before);
    assert.ok(!before[0]!.some(([id]) => id === 'doc-5'));
  });

  it('rebuilds when the saved graph does not cover the last commit (crash between the two swaps)', async () => {
    const engine = await RetrievalEngine.open({ dir, encoder });
    await engine.ingest(docs);
    const before = await ranking(engine, 0);
    const manifestPath = join(dir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { ann: { segments: string[] } };
    manifest.ann.segments = [];
    writeFileSync(manifestPath, JSON.stringify(manifest));
    const reopened = await RetrievalEngine.open({ dir, encoder });
    assert.equal(reopened.index.builtAnnNodes, docs.length);
    assert.deepEqual(await ranking(reopened, 0), before);
  });
});
