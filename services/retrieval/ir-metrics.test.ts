import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateQuery, evaluateRun, parseTrecQrels, parseTrecRun, rankDocuments } from './ir-metrics.js';

const TREC_EVAL = '../shared/reference/trec_eval';

describe('IR measures', () => {
  it('computes a hand-checked query', () => {
    // Ranking r1 n1 r2 with 3 relevant (r3 never retrieved).
    const judged = new Map([['r1', 1], ['r2', 1], ['r3', 1], ['n1', 0]]);
    const m = evaluateQuery(['r1', 'n1', 'r2'], judged, [2, 10]);
    assert.ok(Math.abs(m.map - (1 + 2 / 3) / 3) < 1e-12);
    assert.equal(m.precisionAt[2], 0.5);
    assert.equal(m.recallAt[10], 2 / 3);
    const dcg = 1 + 1 / Math.log2(4);
    const idcg = 1 + 1 / Math.log2(3) + 1 / Math.log2(4);
    assert.ok(Math.abs(m.ndcgAt[10]! - dcg / idcg) < 1e-12);
  });

  it('sorts like trec_eval: score descending, ties by docno descending', () => {
    assert.deepEqual(rankDocuments(new Map([['a', 1], ['c', 1], ['b', 2]])), ['b', 'c', 'a']);
  });

  describe('official trec_eval test vectors', function () {
    before(function () {
      if (!existsSync(TREC_EVAL)) {
        console.log(`    (skipped: ${TREC_EVAL} is absent)`);
        this.skip();
      }
    });
    const read = (f: string): string => readFileSync(join(TREC_EVAL, f), 'utf8');
    const expected = (f: string): Map<string, number> =>
      new Map(read(f).split('\n').map((l) => l.split('\t')).filter((f) => f.length === 3).map(([m, q, v]) => [`${m!.trim()}|${q!.trim()}`, Number(v)]));

    for (const [runFile, outFile, maxDocs] of [['results.test', 'out.test.aq', undefined], ['results.trunc', 'out.test.aqc', undefined], ['results.trunc', 'out.test.aqcM', 100]] as const) {
      it(`matches ${outFile} (map, ndcg, ndcg_cut_10, recall_100, P_10 per query and averaged)`, () => {
        const want = expected(outFile);
        const { mean, perQuery } = evaluateRun(parseTrecRun(read(runFile)), parseTrecQrels(read('qrels.test')), { maxDocs });
        let compared = 0;
        for (const [qid, m] of [['all', mean], ...perQuery] as const) {
          const mine = { map: m.map, ndcg: m.ndcg, ndcg_cut_10: m.ndcgAt[10]!, recall_100: m.recallAt[100]!, P_10: m.precisionAt[10]! };
          for (const [name, value] of Object.entries(mine)) {
            const w = want.get(`${name}|${qid}`);
            if (w === undefined) continue;
            assert.equal(value.toFixed(4), w.toFixed(4), `${name} ${qid}`);
            compared++;
          }
        }
        assert.ok(compared >= 15, `only ${compared} values compared`);
      });
    }
  });
});
