import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobSpecError, localJobContext } from '../ml/job-type.js';
import { loadDualEncoder } from './dual-encoder.js';
import { jobTypes } from './jobs.js';
import { makeTestCorpus } from './test-corpus.js';

describe('retrieval job types', function () {
  this.timeout(90_000);
  const dual = jobTypes.find((t) => t.name === 'retrieval.dual-encoder')!;
  const qgen = jobTypes.find((t) => t.name === 'retrieval.qgen')!;
  let dir: string;
  before(() => {
    // A tiny BEIR folder: corpus, train queries citing their documents, and synthetic questions (titles).
    dir = mkdtempSync(join(tmpdir(), 'nnsuite-retrieval-jobs-'));
    const docs = makeTestCorpus(40, 3);
    mkdirSync(join(dir, 'beir', 'qrels'), { recursive: true });
    writeFileSync(join(dir, 'beir', 'corpus.jsonl'), docs.map((d) => JSON.stringify({ _id: d.id, title: d.title, text: d.text })).join('\n'));
    writeFileSync(join(dir, 'beir', 'queries.jsonl'), docs.slice(0, 10).map((d, i) => JSON.stringify({ _id: `q${i}`, text: d.text.split('.')[0] })).join('\n'));
    writeFileSync(join(dir, 'beir', 'qrels', 'train.tsv'), ['query-id\tcorpus-id\tscore', ...docs.slice(0, 10).map((d, i) => `q${i}\t${d.id}\t1`)].join('\n'));
    writeFileSync(join(dir, 'synthetic.jsonl'), docs.map((d) => JSON.stringify({ doc_id: d.id, query: d.title })).join('\n'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('are exported and name bad spec fields', () => {
    assert.ok(dual && qgen);
    const field = (job: typeof dual, spec: unknown): string | undefined => {
      try {
        job.validate(spec);
      } catch (e) {
        return e instanceof JobSpecError ? e.field : 'not a JobSpecError';
      }
      return undefined;
    };
    assert.equal(field(dual, { queries: [] }), 'queries');
    assert.equal(field(dual, { queries: [join(dir, 'synthetic.jsonl'), join(dir, 'missing.jsonl')], beir: join(dir, 'beir') }), 'queries[1]');
    assert.equal(field(dual, { queries: [join(dir, 'synthetic.jsonl')], beir: join(dir, 'beir'), minutes: 0 }), 'minutes');
    assert.equal(field(dual, { queries: [join(dir, 'synthetic.jsonl')], beir: join(dir, 'beir'), nope: 1 }), 'nope');
    assert.equal(field(qgen, { scifact: join(dir, 'missing') }), 'scifact');
  });

  it('dual-encoder runs the training script: loss metrics, checkpoint with a dev-tuned k in the artifacts', async () => {
    const artifactDir = join(dir, 'artifacts');
    mkdirSync(artifactDir);
    const metrics: { values: Record<string, number>; step: number }[] = [];
    const ctx = localJobContext(artifactDir, { reportMetrics: async (values, step) => void metrics.push({ values, step }) });
    const spec = dual.validate({ queries: [join(dir, 'synthetic.jsonl')], beir: join(dir, 'beir'), minutes: 1, steps: 25, dim: 8 });
    const result = await dual.run(spec, ctx);
    assert.deepEqual(metrics.map((m) => m.step), [25]);
    assert.ok(Number.isFinite(metrics[0]!.values.loss));
    assert.ok(existsSync(join(artifactDir, 'dual-encoder', 'weights.bin')));
    const { encoder, defaultTermWeight } = await loadDualEncoder(join(artifactDir, 'dual-encoder'));
    assert.equal(encoder.dim, 8);
    assert.equal(result.default_term_weight, defaultTermWeight);
  });
});
