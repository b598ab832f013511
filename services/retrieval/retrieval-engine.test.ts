import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DocumentStore } from './document-store.js';
import { InputError, NotFoundError, RetrievalEngine } from './retrieval-engine.js';
import { makeTestCorpus } from './test-corpus.js';

describe('retrieval engine', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'nnsuite-retrieval-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('ingests idempotently by id, reports bad rows by number, and deletes', async () => {
    const engine = await RetrievalEngine.open({ dir });
    const docs = makeTestCorpus(20);
    const bad = { ...docs[0]!, id: '', title: 'x' };
    const report = await engine.ingest([...docs, bad]);
    assert.deepEqual([report.ingested, report.replaced, report.documentCount], [20, 0, 20]);
    assert.deepEqual(report.errors.map((e) => [e.row, e.reason]), [[21, 'id: must not be empty']]);
    const again = await engine.ingest([{ ...docs[3]!, title: 'Replaced title about zebrafish' }]);
    assert.deepEqual([again.ingested, again.replaced, again.documentCount], [1, 1, 20]);
    assert.equal(engine.getDocument('doc-3').title, 'Replaced title about zebrafish');
    assert.equal((await engine.search('zebrafish')).results[0]!.doc.id, 'doc-3');
    const deleted = await engine.delete(['doc-3', 'nope']);
    assert.deepEqual([deleted.deleted, deleted.missing, deleted.documentCount], [1, ['nope'], 19]);
    assert.throws(() => engine.getDocument('doc-3'), NotFoundError);
    assert.equal((await engine.search('zebrafish')).results.length, 0);
  });

  it('returns the same results after a restart', async () => {
    const engine = await RetrievalEngine.open({ dir });
    await engine.ingest(makeTestCorpus(60));
    await engine.delete(['doc-5']);
    await engine.ingest([{ ...makeTestCorpus(1)[0]!, id: 'doc-7', title: 'ACE2 receptor replaced' }]);
    const before = await engine.search('ACE2 receptor binding in lung cells', { topK: 20 });
    const reopened = await RetrievalEngine.open({ dir });
    const after = await reopened.search('ACE2 receptor binding in lung cells', { topK: 20 });
    assert.equal(reopened.documentCount, 59);
    assert.deepEqual(after.results.map((r) => [r.doc.id, r.score]), before.results.map((r) => [r.doc.id, r.score]));
  });

  it('ignores a half-written commit (crash before the manifest swap)', async () => {
    const engine = await RetrievalEngine.open({ dir });
    await engine.ingest(makeTestCorpus(10));
    // A crash mid-ingest leaves a segment the manifest does not name, possibly truncated.
    writeFileSync(join(dir, 'segment-99999999.jsonl'), '{"put": {"id": "ghost", "title": "gho');
    writeFileSync(join(dir, 'manifest.json.tmp'), '{"version"');
    const reopened = await RetrievalEngine.open({ dir });
    assert.equal(reopened.documentCount, 10);
    assert.throws(() => reopened.getDocument('ghost'), NotFoundError);
    assert.deepEqual(readdirSync(dir).sort(), ['manifest.json', 'segment-00000001.jsonl']);
  });

  it('compacts many small commits into one segment', async () => {
    const engine = await RetrievalEngine.open({ dir });
    for (const doc of makeTestCorpus(20)) await engine.ingest([doc]);
    assert.ok(readdirSync(dir).filter((f) => f.startsWith('segment-')).length <= 17);
    assert.equal(new DocumentStore(dir).load().size, 20);
  });

  it('serves searches while an ingest runs', async () => {
    const engine = await RetrievalEngine.open({ dir });
    await engine.ingest(makeTestCorpus(50));
    const ingest = engine.ingest(makeTestCorpus(3000, 7).map((d) => ({ ...d, id: `late-${d.id}` })));
    let finished = false;
    void ingest.then(() => (finished = true));
    const during: number[] = [];
    while (!finished) {
      const { results } = await engine.search('remdesivir polymerase');
      during.push(results.length);
      await new Promise((r) => setImmediate(r));
    }
    assert.equal((await ingest).documentCount, 3050);
    assert.ok(during.length >= 3, `only ${during.length} searches completed during the ingest`);
    assert.ok(during.every((n) => n > 0));
  });

  it('keeps follow-up questions within the session set', async () => {
    const engine = await RetrievalEngine.open({ dir });
    await engine.ingest(makeTestCorpus(80));
    const first = await engine.search('vitamin D immune modulation', { topK: 5 });
    const allowed = new Set(first.results.map((r) => r.doc.id));
    for (const question of ['interleukin-6 cytokine release', 'vitamin D respiratory infections', 'ACE2 spike']) {
      for (const contextWeight of [0, 0.5]) {
        const follow = await engine.followUp(first.sessionId, question, { topK: 10, contextWeight });
        assert.equal(follow.results.length, 5);
        for (const r of follow.results) assert.ok(allowed.has(r.doc.id), `${r.doc.id} left the session`);
      }
    }
    // A follow-up re-ranks: a question about one of the results brings it first.
    const target = first.results[4]!.doc;
    const follow = await engine.followUp(first.sessionId, target.title, { topK: 1 });
    assert.equal(follow.results[0]!.doc.id, target.id);
  });

  it('rejects bad input naming the field', async () => {
    const engine = await RetrievalEngine.open();
    await engine.ingest(makeTestCorpus(5));
    const field = async (p: Promise<unknown>): Promise<string> => p.then(() => 'none', (e: InputError) => e.field);
    assert.equal(await field(engine.search('  ')), 'query');
    assert.equal(await field(engine.search('x'.repeat(1025))), 'query');
    assert.equal(await field(engine.search('?!')), 'query');
    assert.equal(await field(engine.search('ace2', { topK: 1001 })), 'top_k');
    assert.equal(await field(engine.search('ace2', { topK: -1 })), 'top_k');
    assert.equal(await field(engine.search('ace2', { termWeight: -1 })), 'term_weight');
    assert.equal(await field(engine.search('ace2', { snippets: 11 })), 'snippets_per_result');
    const { sessionId } = await engine.search('ace2');
    assert.equal(await field(engine.followUp(sessionId, '')), 'question');
    assert.equal(await field(engine.followUp(sessionId, 'ace2', { contextWeight: 1 })), 'context_weight');
    await assert.rejects(engine.followUp('no-such-session', 'ace2'), NotFoundError);
  });
});
