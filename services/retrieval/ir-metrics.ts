// IR evaluation measures with trec_eval's conventions (trec_eval 10.0, checked against its test vectors):
// each query's documents are sorted by score descending, ties by docno in descending string order (the rank
// column is ignored); relevant means judgement ≥ 1; nDCG uses the judgement as a linear gain and 1/log2(rank+1)
// discounts, the ideal ranking covering every judged document; averages run over every query of the qrels
// (trec_eval -c), a query missing from the run scoring 0.

/** qid → docid → relevance judgement. */
export type Qrels = Map<string, Map<string, number>>;
/** qid → docid → retrieval score. */
export type Run = Map<string, Map<string, number>>;

export interface QueryMeasures {
  map: number;
  ndcg: number;
  /** ndcg_cut_k, keyed by k. */
  ndcgAt: Record<number, number>;
  recallAt: Record<number, number>;
  precisionAt: Record<number, number>;
}

export interface EvalOptions {
  cutoffs?: number[];
  /** trec_eval -M: keep at most this many documents per query after sorting. */
  maxDocs?: number;
}

const DEFAULT_CUTOFFS = [5, 10, 15, 20, 30, 100, 200, 500, 1000];

/** Documents of one query in trec_eval's evaluation order. */
export function rankDocuments(scores: Map<string, number>, maxDocs = Infinity): string[] {
  const ranked = [...scores.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : a[0] > b[0] ? -1 : 0))
    .map(([doc]) => doc);
  return ranked.slice(0, maxDocs);
}

export function evaluateQuery(ranked: readonly string[], judged: Map<string, number>, cutoffs = DEFAULT_CUTOFFS): QueryMeasures {
  const gains = ranked.map((doc) => Math.max(0, judged.get(doc) ?? 0));
  const numRel = [...judged.values()].filter((r) => r >= 1).length;
  const ideal = [...judged.values()].filter((r) => r > 0).sort((a, b) => b - a);
  const dcg = (g: readonly number[], k: number): number => {
    let sum = 0;
    for (let i = 0; i < Math.min(k, g.length); i++) sum += g[i]! / Math.log2(i + 2);
    return sum;
  };
  const ndcgCut = (k: number): number => {
    const idcg = dcg(ideal, k);
    return idcg > 0 ? dcg(gains, k) / idcg : 0;
  };
  let hits = 0;
  let precisionSum = 0;
  const relAt: number[] = []; // relevant retrieved within the first i+1
  ranked.forEach((doc, i) => {
    if ((judged.get(doc) ?? 0) >= 1) {
      hits++;
      precisionSum += hits / (i + 1);
    }
    relAt.push(hits);
  });
  const relWithin = (k: number): number => (ranked.length === 0 ? 0 : relAt[Math.min(k, ranked.length) - 1]!);
  const measures: QueryMeasures = {
    map: numRel > 0 ? precisionSum / numRel : 0,
    ndcg: ndcgCut(Infinity),
    ndcgAt: {},
    recallAt: {},
    precisionAt: {},
  };
  for (const k of cutoffs) {
    measures.ndcgAt[k] = ndcgCut(k);
    measures.recallAt[k] = numRel > 0 ? relWithin(k) / numRel : 0;
    measures.precisionAt[k] = relWithin(k) / k;
  }
  return measures;
}

/** Per-query and mean measures over every query of the qrels (trec_eval -c). */
export function evaluateRun(run: Run, qrels: Qrels, options: EvalOptions = {}): { perQuery: Map<string, QueryMeasures>; mean: QueryMeasures } {
  const cutoffs = options.cutoffs ?? DEFAULT_CUTOFFS;
  const perQuery = new Map<string, QueryMeasures>();
  for (const [qid, judged] of qrels) {
    const ranked = rankDocuments(run.get(qid) ?? new Map(), options.maxDocs);
    perQuery.set(qid, evaluateQuery(ranked, judged, cutoffs));
  }
  return { perQuery, mean: meanMeasures([...perQuery.values()], cutoffs) };
}

function meanMeasures(all: QueryMeasures[], cutoffs: number[]): QueryMeasures {
  const n = Math.max(1, all.length);
  const avg = (f: (m: QueryMeasures) => number): number => all.reduce((s, m) => s + f(m), 0) / n;
  const mean: QueryMeasures = { map: avg((m) => m.map), ndcg: avg((m) => m.ndcg), ndcgAt: {}, recallAt: {}, precisionAt: {} };
  for (const k of cutoffs) {
    mean.ndcgAt[k] = avg((m) => m.ndcgAt[k]!);
    mean.recallAt[k] = avg((m) => m.recallAt[k]!);
    mean.precisionAt[k] = avg((m) => m.precisionAt[k]!);
  }
  return mean;
}

/** Parse a TREC qrels file: `qid iter docno rel`. */
export function parseTrecQrels(text: string): Qrels {
  const qrels: Qrels = new Map();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4) continue;
    if (!qrels.has(f[0]!)) qrels.set(f[0]!, new Map());
    qrels.get(f[0]!)!.set(f[2]!, Number(f[3]));
  }
  return qrels;
}

/** Parse a TREC run file: `qid Q0 docno rank score runid [junk…]`. */
export function parseTrecRun(text: string): Run {
  const run: Run = new Map();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 6) continue;
    if (!run.has(f[0]!)) run.set(f[0]!, new Map());
    run.get(f[0]!)!.set(f[2]!, Number(f[4]));
  }
  return run;
}
