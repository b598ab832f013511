// Keep the k best (score, slot) pairs of a stream without sorting everything: a binary min-heap on score.

export interface Scored {
  slot: number;
  score: number;
}

/** The k highest-scoring items, best first; ties keep the lower slot first (Lucene's docid order). */
export function topK(slots: ArrayLike<number>, scoreOf: (slot: number) => number, k: number): Scored[] {
  const heap: Scored[] = [];
  const worse = (a: Scored, b: Scored): boolean => a.score < b.score || (a.score === b.score && a.slot > b.slot);
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i]!;
    const score = scoreOf(slot);
    if (heap.length < k) {
      heap.push({ slot, score });
      siftUp(heap, heap.length - 1, worse);
    } else if (k > 0 && (score > heap[0]!.score || (score === heap[0]!.score && slot < heap[0]!.slot))) {
      // Only an item that beats the heap's worst is allocated (most of a long stream is not).
      heap[0] = { slot, score };
      siftDown(heap, 0, worse);
    }
  }
  return heap.sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0));
}

function siftUp(heap: Scored[], i: number, worse: (a: Scored, b: Scored) => boolean): void {
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!worse(heap[i]!, heap[parent]!)) return;
    [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
    i = parent;
  }
}

function siftDown(heap: Scored[], i: number, worse: (a: Scored, b: Scored) => boolean): void {
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < heap.length && worse(heap[l]!, heap[m]!)) m = l;
    if (r < heap.length && worse(heap[r]!, heap[m]!)) m = r;
    if (m === i) return;
    [heap[i], heap[m]] = [heap[m]!, heap[i]!];
    i = m;
  }
}
