// The in-memory index of the live corpus: documents by slot, the BM25 inverted index over their analyzed
// text, their neural vectors and an HNSW graph over those vectors (hnswlib, inner-product space).
// Replacing a document frees its old slot and takes a new one, so slots only grow; the store rebuilds
// a compact index on restart.
import hnswlib from 'hnswlib-node';
import { Bm25Index } from './bm25-index.js';
import { indexedText, type StoredDocument } from './document.js';
import { analyze } from './english-analyzer.js';

const { HierarchicalNSW } = hnswlib;
type Hnsw = InstanceType<typeof HierarchicalNSW>;

/** HNSW build/search settings (Malkov & Yashunin 2018): M links per node, candidate list sizes. */
const HNSW_M = 16;
const HNSW_EF_CONSTRUCTION = 100;
const HNSW_EF_SEARCH = 200;

export class CorpusIndex {
  readonly bm25 = new Bm25Index();
  private readonly docs: (StoredDocument | undefined)[] = [];
  private readonly vectors: (Float32Array | undefined)[] = [];
  private readonly slotOf = new Map<string, number>();
  private ann: Hnsw | undefined;

  /** `dim` is the neural vector size, or undefined for a term-only index. */
  constructor(readonly dim?: number) {
    if (dim !== undefined) {
      this.ann = new HierarchicalNSW('ip', dim);
      this.ann.initIndex({ maxElements: 1024, m: HNSW_M, efConstruction: HNSW_EF_CONSTRUCTION, randomSeed: 100, allowReplaceDeleted: true });
      this.ann.setEf(HNSW_EF_SEARCH);
    }
  }

  get size(): number {
    return this.slotOf.size;
  }

  get hasVectors(): boolean {
    return this.ann !== undefined;
  }

  /** Add or replace a document; `terms` are its analyzed indexed text. Returns whether it replaced one. */
  put(doc: StoredDocument, terms: readonly string[], vector?: Float32Array): boolean {
    const replaced = this.remove(doc.id);
    const slot = this.bm25.add(terms);
    this.docs[slot] = doc;
    this.slotOf.set(doc.id, slot);
    if (this.ann) {
      if (!vector || vector.length !== this.dim) throw new Error(`document ${doc.id}: neural vector of size ${this.dim} required`);
      this.vectors[slot] = vector;
      if (this.ann.getCurrentCount() >= this.ann.getMaxElements()) this.ann.resizeIndex(this.ann.getMaxElements() * 2);
      this.ann.addPoint(Array.from(vector), slot, true);
    }
    return replaced;
  }

  remove(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    this.bm25.remove(slot, analyze(indexedText(this.docs[slot]!)));
    this.ann?.markDelete(slot);
    this.docs[slot] = undefined;
    this.vectors[slot] = undefined;
    this.slotOf.delete(id);
    return true;
  }

  get(id: string): StoredDocument | undefined {
    const slot = this.slotOf.get(id);
    return slot === undefined ? undefined : this.docs[slot];
  }

  slot(id: string): number | undefined {
    return this.slotOf.get(id);
  }

  document(slot: number): StoredDocument {
    return this.docs[slot]!;
  }

  vector(slot: number): Float32Array | undefined {
    return this.vectors[slot];
  }

  /** Every live document, in slot order. */
  *documents(): Generator<{ doc: StoredDocument; vector?: Float32Array }> {
    for (let slot = 0; slot < this.docs.length; slot++) {
      const doc = this.docs[slot];
      if (doc) yield { doc, vector: this.vectors[slot] };
    }
  }

  /** Approximate nearest neighbours by inner product: slots, best first. */
  nearest(query: Float32Array, count: number): number[] {
    if (!this.ann || this.size === 0) return [];
    return this.ann.searchKnn(Array.from(query), Math.min(count, this.size)).neighbors;
  }
}
