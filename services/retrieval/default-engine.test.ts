import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MODEL_DIR, openDefaultEngine } from './default-engine.js';
import { makeTestCorpus } from './test-corpus.js';

describe('default engine (the committed dual-encoder checkpoint)', function () {
  this.timeout(120_000);
  let dir: string;
  before(function () {
    if (!existsSync(DEFAULT_MODEL_DIR)) {
      console.log(`    (skipped: ${DEFAULT_MODEL_DIR} is absent)`);
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'nnsuite-retrieval-default-'));
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('loads the checkpoint, its tuned k, and ranks with both parts', async () => {
    const meta = JSON.parse(readFileSync(join(DEFAULT_MODEL_DIR, 'header.json'), 'utf8')).meta as { defaultTermWeight: number };
    const engine = await openDefaultEngine(dir, {});
    assert.equal(engine.defaultTermWeight, meta.defaultTermWeight);
    assert.ok(engine.index.hasVectors);
    await engine.ingest(makeTestCorpus(30));
    const { results, termWeight } = await engine.search('ACE2 receptor binding');
    assert.equal(termWeight, meta.defaultTermWeight);
    assert.ok(results[0]!.neuralScore !== 0 && results[0]!.termScore > 0);
    assert.ok(Math.abs(results[0]!.score - (termWeight * results[0]!.termScore + results[0]!.neuralScore)) < 1e-9);
  });

  it('runs term-only when told NNSUITE_RETRIEVAL_MODEL_DIR=none', async () => {
    const engine = await openDefaultEngine(join(dir, 'plain'), { NNSUITE_RETRIEVAL_MODEL_DIR: 'none' });
    assert.equal(engine.index.hasVectors, false);
  });
});
