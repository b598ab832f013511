// BM25 inverted index scored as Lucene's BM25Similarity (the scorer behind Anserini's SciFact 0.6789):
//   idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5)),  w(t, d) = idf · tf / (tf + k1 · (1 - b + b · |d| / avgdl))
// where |d| is the document length after Lucene's lossy 1-byte norm (SmallFloat.intToByte4) and avgdl the
// exact mean length. Lucene ≥ 8 drops the constant (k1 + 1) numerator factor; ranking is unchanged.
// The score is a dot product: query vector = term counts, document vector = w(t, d). That is the "term
// vector" of the hybrid [k·term ; neural] representation (hybrid-search.ts).
import { maxScoreTopK, type PrunedTerm } from './max-score.js';
import type { Scored } from './top-k.js';

export interface Bm25Params {
  k1: number;
  b: number;
}

/** Anserini's defaults (Trotman et al. 2012). */
export const ANSERINI_BM25: Bm25Params = { k1: 0.9, b: 0.4 };

interface Postings {
  slots: number[];
  tfs: number[];
  /** Live documents containing the term. */
  df: number;
  /** Largest tf and smallest decoded length in the postings (deleted slots included): MaxScore's upper bound. */
  maxTf: number;
  minLength: number;
}

export class Bm25Index {
  private readonly postings = new Map<string, Postings>();
  private readonly lengths: number[] = []; // decoded norm per slot
  private readonly rawLengths: number[] = [];
  private readonly live: boolean[] = [];
  private liveCount = 0;
  private sumLength = 0;
  /** k1 · (1 - b + b · |d| / avgdl) per slot, recomputed when the corpus statistics change. */
  private norms = new Float64Array(0);
  private normsKey = '';

  constructor(readonly params: Bm25Params = ANSERINI_BM25) {}

  get documentCount(): number {
    return this.liveCount;
  }

  get slotCount(): number {
    return this.live.length;
  }

  isLive(slot: number): boolean {
    return this.live[slot] === true;
  }

  /** Index a document's analyzed terms; returns its slot. */
  add(terms: readonly string[]): number {
    const slot = this.live.length;
    const counts = countTerms(terms);
    const length = luceneNormLength(terms.length);
    for (const [term, tf] of counts) {
      let p = this.postings.get(term);
      if (!p) this.postings.set(term, (p = { slots: [], tfs: [], df: 0, maxTf: 0, minLength: Infinity }));
      p.slots.push(slot);
      p.tfs.push(tf);
      p.df++;
      p.maxTf = Math.max(p.maxTf, tf);
      p.minLength = Math.min(p.minLength, length);
    }
    this.live.push(true);
    this.rawLengths.push(terms.length);
    this.lengths.push(length);
    this.liveCount++;
    this.sumLength += terms.length;
    return slot;
  }

  /** Remove a document; its terms are needed to keep document frequencies exact. */
  remove(slot: number, terms: readonly string[]): void {
    if (!this.live[slot]) return;
    this.live[slot] = false;
    this.liveCount--;
    this.sumLength -= this.rawLengths[slot]!;
    for (const term of new Set(terms)) {
      const p = this.postings.get(term);
      if (p) p.df--;
    }
  }

  /** Top documents for the query terms, optionally restricted to allowed slots: MaxScore-pruned, equal to exhaustive scoring. */
  search(queryTerms: readonly string[], k: number, allowed?: (slot: number) => boolean): Scored[] {
    const norms = this.lengthNorms();
    const query: PrunedTerm[] = [];
    for (const [term, qtf] of countTerms(queryTerms)) {
      const p = this.postings.get(term);
      if (!p || p.df === 0) continue;
      const idf = this.idf(p.df);
      const bound = qtf * ((idf * p.maxTf) / (p.maxTf + this.lengthNorm(p.minLength)));
      query.push({ slots: p.slots, tfs: p.tfs, qtf, idf, bound });
    }
    const live = this.live;
    return maxScoreTopK(query, norms, k, allowed ? (slot) => live[slot] === true && allowed(slot) : (slot) => live[slot] === true);
  }

  /** Exact BM25 scores of given slots (for rescoring a candidate set): binary search in slot-ordered postings. */
  score(queryTerms: readonly string[], slots: readonly number[]): Float64Array {
    const out = new Float64Array(slots.length);
    const norms = this.lengthNorms();
    for (const [term, qtf] of countTerms(queryTerms)) {
      const p = this.postings.get(term);
      if (!p || p.df === 0) continue;
      const idf = this.idf(p.df);
      slots.forEach((slot, j) => {
        const i = lowerBound(p.slots, slot);
        if (p.slots[i] === slot && this.live[slot]) out[j]! += qtf * ((idf * p.tfs[i]!) / (p.tfs[i]! + norms[slot]!));
      });
    }
    return out;
  }

  /** Number of distinct terms (including ones only in deleted documents). */
  get vocabularySize(): number {
    return this.postings.size;
  }

  /** Lucene's idf of a term (0 for an unknown term). */
  idfOf(term: string): number {
    const df = this.postings.get(term)?.df ?? 0;
    return df > 0 ? this.idf(df) : 0;
  }

  private idf(df: number): number {
    return Math.log(1 + (this.liveCount - df + 0.5) / (df + 0.5));
  }

  /** k1 · (1 - b + b · |d| / avgdl) of every slot, the length part of BM25's saturation. */
  private lengthNorms(): Float64Array {
    const key = `${this.liveCount}/${this.sumLength}/${this.lengths.length}`;
    if (key !== this.normsKey) {
      this.norms = Float64Array.from(this.lengths, (length) => this.lengthNorm(length));
      this.normsKey = key;
    }
    return this.norms;
  }

  private lengthNorm(length: number): number {
    const { k1, b } = this.params;
    const avgdl = this.liveCount > 0 ? this.sumLength / this.liveCount : 1;
    return k1 * (1 - b + (b * length) / avgdl);
  }
}

/** First index in ascending `xs` whose value is ≥ x. */
function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function countTerms(terms: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}

// Lucene SmallFloat: lengths below 24 are exact, larger ones keep 4 significant bits.
const NUM_FREE_VALUES = 255 - longToInt4(2 ** 31 - 1);

function longToInt4(i: number): number {
  const numBits = i === 0 ? 0 : Math.floor(Math.log2(i)) + 1;
  if (numBits < 4) return i;
  const shift = numBits - 4;
  const encoded = Math.floor(i / 2 ** shift) & 0x07;
  return encoded | ((shift + 1) << 3);
}

function int4ToLong(i: number): number {
  const bits = i & 0x07;
  const shift = (i >>> 3) - 1;
  return shift === -1 ? bits : (bits | 0x08) * 2 ** shift;
}

/** The document length Lucene's BM25 sees: SmallFloat.byte4ToInt(SmallFloat.intToByte4(length)). */
export function luceneNormLength(length: number): number {
  if (length < NUM_FREE_VALUES) return length;
  const byte = NUM_FREE_VALUES + longToInt4(length - NUM_FREE_VALUES);
  return NUM_FREE_VALUES + int4ToLong(byte - NUM_FREE_VALUES);
}
