// The in-memory index of the live corpus: documents by slot, the BM25 inverted index over their analyzed
// text, their neural vectors and an HNSW graph over those vectors (hnswlib, inner-product space).
// Replacing a document frees its old slot and takes a new one, so slots only grow; the store rebuilds
// a compact index on restart. HNSW labels are separate from slots so that a saved graph (writeAnn) can be
// read back on restart (openAnn) instead of rebuilt: `labels` names the document of each saved label.
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
  private readonly slotOfLabel: number[] = [];
  private readonly labelOfSlot: number[] = [];
  /** Saved HNSW labels by document id, consumed as the documents are put back (openAnn). */
  private savedLabels = new Map<string, number>();
  /** Vectors inserted into the HNSW graph by this process (0 after a restart that read a saved graph). */
  builtAnnNodes = 0;

  /** `dim` is the neural vector size, or undefined for a term-only index. */
  constructor(readonly dim?: number) {
    if (dim !== undefined) {
      this.ann = new HierarchicalNSW('ip', dim);
      this.ann.initIndex({ maxElements: 1024, m: HNSW_M, efConstruction: HNSW_EF_CONSTRUCTION, randomSeed: 100, allowReplaceDeleted: true });
      this.ann.setEf(HNSW_EF_SEARCH);
    }
  }

  /**
   * Start from a saved HNSW graph whose label i held document `labels[i]` (null: deleted). Documents put
   * afterwards with the same id and vector reuse their saved node; a label no document claims is deleted
   * (finishAnn).
   */
  openAnn(path: string, labels: readonly (string | null)[]): void {
    if (!this.ann || this.size > 0) throw new Error('openAnn needs an empty index with vectors');
    const ann = new HierarchicalNSW('ip', this.dim!);
    ann.readIndexSync(path, true);
    ann.setEf(HNSW_EF_SEARCH);
    this.ann = ann;
    this.savedLabels = new Map(labels.flatMap((id, label) => (id === null ? [] : [[id, label] as const])));
    labels.forEach((_, label) => (this.slotOfLabel[label] = -1));
  }

  /** Delete saved nodes that no document claimed (replaced or deleted since the save). */
  finishAnn(): void {
    for (const label of this.savedLabels.values()) this.ann!.markDelete(label);
    this.savedLabels.clear();
  }

  /** Write the HNSW graph to `path`; returns the document id of each label (null: deleted). */
  writeAnn(path: string): (string | null)[] {
    this.ann!.writeIndexSync(path);
    return this.slotOfLabel.map((slot) => (slot >= 0 && this.docs[slot] ? this.docs[slot]!.id : null));
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
      let label = this.savedLabels.get(doc.id);
      if (label !== undefined && sameVector(this.ann.getPoint(label), vector)) {
        this.savedLabels.delete(doc.id);
      } else {
        label = this.slotOfLabel.length;
        if (this.ann.getCurrentCount() >= this.ann.getMaxElements()) this.ann.resizeIndex(this.ann.getMaxElements() * 2);
        this.ann.addPoint(Array.from(vector), label, true);
        this.builtAnnNodes++;
      }
      this.slotOfLabel[label] = slot;
      this.labelOfSlot[slot] = label;
    }
    return replaced;
  }

  remove(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    this.bm25.remove(slot, analyze(indexedText(this.docs[slot]!)));
    if (this.ann) {
      this.ann.markDelete(this.labelOfSlot[slot]!);
      this.slotOfLabel[this.labelOfSlot[slot]!] = -1;
    }
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
    return this.ann.searchKnn(Array.from(query), Math.min(count, this.size)).neighbors.map((label) => this.slotOfLabel[label]!);
  }
}

/** A saved node is reused only for the vector it was built from (the document may have been replaced). */
function sameVector(saved: readonly number[], vector: Float32Array): boolean {
  return saved.length === vector.length && saved.every((x, i) => Math.fround(x) === vector[i]);
}
