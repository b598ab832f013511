// Keep the k best (score, slot) pairs of a stream without sorting everything: a binary min-heap on score.

export interface Scored {
  slot: number;
  score: number;
}

/** Heap order: lower score, or equal score and higher slot. */
export function worseScored(a: Scored, b: Scored): boolean {
  return a.score < b.score || (a.score === b.score && a.slot > b.slot);
}

/** The k highest-scoring items, best first; ties keep the lower slot first (Lucene's docid order). */
export function topK(slots: ArrayLike<number>, scoreOf: (slot: number) => number, k: number): Scored[] {
  const heap: Scored[] = [];
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i]!;
    const score = scoreOf(slot);
    if (heap.length < k) {
      heap.push({ slot, score });
      siftUp(heap, heap.length - 1);
    } else if (k > 0 && (score > heap[0]!.score || (score === heap[0]!.score && slot < heap[0]!.slot))) {
      // Only an item that beats the heap's worst is allocated (most of a long stream is not).
      heap[0] = { slot, score };
      siftDown(heap, 0);
    }
  }
  return heap.sort((a, b) => (worseScored(a, b) ? 1 : worseScored(b, a) ? -1 : 0));
}

/** Move heap[i] up while it is worse than its parent (min-heap: the worst item at the root). */
export function siftUp(heap: Scored[], i: number): void {
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!worseScored(heap[i]!, heap[parent]!)) return;
    [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
    i = parent;
  }
}

/** Move heap[i] down while a child is worse than it. */
export function siftDown(heap: Scored[], i: number): void {
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < heap.length && worseScored(heap[l]!, heap[m]!)) m = l;
    if (r < heap.length && worseScored(heap[r]!, heap[m]!)) m = r;
    if (m === i) return;
    [heap[i], heap[m]] = [heap[m]!, heap[i]!];
    i = m;
  }
}
