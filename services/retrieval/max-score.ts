// MaxScore dynamic pruning (Turtle & Flood 1995) for BM25 top-k, document-at-a-time over slot-ordered postings.
// Terms are sorted by their upper bound; once the k-th best score reaches the sum of the smallest bounds, those
// terms are "non-essential": a document found only in them cannot enter the top k, so only the essential terms'
// postings drive candidates and the others are probed (galloping search) while the document can still make it.
// Results equal exhaustive scoring exactly: each document's contributions are summed in query-term order, as the
// exhaustive accumulator does, and ties keep the lower slot (slots are visited in ascending order, so a later
// document with a score equal to the k-th best never enters).
import { siftDown, siftUp, worseScored, type Scored } from './top-k.js';

export interface PrunedTerm {
  slots: readonly number[];
  tfs: readonly number[];
  /** Count of the term in the query. */
  qtf: number;
  idf: number;
  /** Upper bound of qtf · idf · tf / (tf + norm) over the term's postings. */
  bound: number;
}

/** Bounds and partial sums are computed in floating point; inflating them keeps pruning safe against rounding. */
const SAFETY = 1 + 1e-9;

/** The k best live documents for the query terms (in query order), best first — the same as exhaustive scoring. */
export function maxScoreTopK(query: readonly PrunedTerm[], norms: Float64Array, k: number, accept: (slot: number) => boolean): Scored[] {
  const n = query.length;
  if (k <= 0 || n === 0) return [];
  const order = [...query.keys()].sort((a, b) => query[a]!.bound - query[b]!.bound);
  const terms = order.map((i) => query[i]!);
  const prefix = new Float64Array(n); // Σ bounds of terms[0..i]
  terms.reduce((sum, term, i) => (prefix[i] = sum + term.bound), 0);
  const cursor = new Int32Array(n);
  const contributions = new Float64Array(n); // by query position
  const heap: Scored[] = [];
  let threshold = -Infinity;
  let firstEssential = 0;
  for (;;) {
    let doc = Infinity;
    for (let t = firstEssential; t < n; t++) {
      const slot = terms[t]!.slots[cursor[t]!];
      if (slot !== undefined && slot < doc) doc = slot;
    }
    if (doc === Infinity) break;
    const wanted = accept(doc);
    contributions.fill(0);
    let partial = 0;
    for (let t = firstEssential; t < n; t++) {
      const term = terms[t]!;
      const c = cursor[t]!;
      if (term.slots[c] !== doc) continue;
      cursor[t] = c + 1;
      if (!wanted) continue;
      const tf = term.tfs[c]!;
      const value = term.qtf * ((term.idf * tf) / (tf + norms[doc]!));
      contributions[order[t]!] = value;
      partial += value;
    }
    if (!wanted) continue;
    let possible = true;
    for (let t = firstEssential - 1; t >= 0; t--) {
      if ((partial + prefix[t]!) * SAFETY <= threshold) {
        possible = false;
        break;
      }
      const term = terms[t]!;
      const c = (cursor[t] = advance(term.slots, cursor[t]!, doc));
      if (term.slots[c] !== doc) continue;
      const tf = term.tfs[c]!;
      const value = term.qtf * ((term.idf * tf) / (tf + norms[doc]!));
      contributions[order[t]!] = value;
      partial += value;
    }
    if (!possible) continue;
    let score = 0;
    for (let i = 0; i < n; i++) score += contributions[i]!;
    if (heap.length < k) {
      heap.push({ slot: doc, score });
      siftUp(heap, heap.length - 1);
    } else if (score > threshold) {
      heap[0] = { slot: doc, score };
      siftDown(heap, 0);
    } else continue;
    if (heap.length < k) continue;
    threshold = heap[0]!.score;
    while (firstEssential < n && prefix[firstEssential]! * SAFETY <= threshold) firstEssential++;
    if (firstEssential === n) break;
  }
  return heap.sort((a, b) => (worseScored(a, b) ? 1 : worseScored(b, a) ? -1 : 0));
}

/** First index ≥ from whose slot is ≥ target (galloping, then binary search). */
function advance(slots: readonly number[], from: number, target: number): number {
  let lo = from;
  let step = 1;
  let hi = from;
  while (hi < slots.length && slots[hi]! < target) {
    lo = hi + 1;
    hi += step;
    step *= 2;
  }
  hi = Math.min(hi, slots.length);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (slots[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
