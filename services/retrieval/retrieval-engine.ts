// The retrieval domain API the handlers call: ingest/delete (durable, serialized), hybrid search with
// snippets, follow-up questions over a session's documents, and document lookup. Knows nothing of RPC types;
// bad input is thrown as InputError (field + reason) or NotFoundError.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { CorpusIndex } from './corpus-index.js';
import { documentProblem, indexedText, type RowError, type StoredDocument } from './document.js';
import { DocumentStore, type Change, type StoredEntry } from './document-store.js';
import { analyze } from './english-analyzer.js';
import { hybridSearch, type HybridHit } from './hybrid-search.js';
import { SessionStore } from './session-store.js';
import { selectSnippets, type Snippet } from './snippets.js';
import type { TextEncoder } from './text-encoder.js';

export class InputError extends Error {
  constructor(readonly field: string, readonly reason: string) {
    super(`${field}: ${reason}`);
  }
}

export class NotFoundError extends Error {
  constructor(readonly what: string, readonly id: string) {
    super(`${what} "${id}" not found`);
  }
}

export const LIMITS = { maxQueryChars: 1024, maxTopK: 1000, maxSnippets: 10, defaultTopK: 10, defaultSnippets: 2 };
/** Term weight k when neither the request nor the model's checkpoint gives one. */
export const FALLBACK_TERM_WEIGHT = 1;
/** Documents analyzed/encoded/applied between yields to the event loop, so searches run during an ingest. */
const CHUNK = 128;

export interface SearchOptions {
  topK?: number;
  termWeight?: number;
  snippets?: number;
}

export interface FollowUpOptions extends SearchOptions {
  /** Weight of the session's first question in [0, 1). */
  contextWeight?: number;
}

export interface Result extends HybridHit {
  doc: StoredDocument;
  snippets: Snippet[];
}

export interface IngestReport {
  ingested: number;
  replaced: number;
  errors: RowError[];
  documentCount: number;
}

export interface EngineOptions {
  /** Folder for the durable corpus; omitted keeps everything in memory (tests, benchmarks). */
  dir?: string;
  encoder?: TextEncoder;
  /** Default k, tuned on a dev split and shipped with the encoder checkpoint. */
  defaultTermWeight?: number;
}

export class RetrievalEngine {
  readonly sessions = new SessionStore();
  private writes: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly index: CorpusIndex,
    private readonly store: DocumentStore | undefined,
    private readonly encoder: TextEncoder | undefined,
    readonly defaultTermWeight: number,
  ) {}

  /** Open (or create) the corpus; stored vectors from a different encoder are recomputed. */
  static async open(options: EngineOptions = {}): Promise<RetrievalEngine> {
    const store = options.dir ? new DocumentStore(options.dir) : undefined;
    const engine = new RetrievalEngine(new CorpusIndex(options.encoder?.dim), store, options.encoder, options.defaultTermWeight ?? FALLBACK_TERM_WEIGHT);
    if (store) {
      const entries = [...store.load().values()];
      const encoderId = options.encoder?.id ?? '';
      const stale = store.encoderId !== encoderId;
      const saved = stale || !options.encoder ? undefined : store.savedAnn();
      if (saved) engine.index.openAnn(saved.graphPath, saved.labels);
      await engine.apply(entries.map((e) => (stale ? { doc: e.doc } : e)));
      if (saved) engine.index.finishAnn();
      if (stale && entries.length > 0) store.rewrite(engine.index.documents(), encoderId);
      if (!saved && entries.length > 0) engine.saveAnn();
    }
    return engine;
  }

  get documentCount(): number {
    return this.index.size;
  }

  /** Add or replace documents; `rows` numbers each for error reports (default: 1-based position). */
  ingest(documents: readonly StoredDocument[], rows?: readonly number[]): Promise<IngestReport> {
    return this.serialized(async () => {
      const errors: RowError[] = [];
      const latest = new Map<string, StoredDocument>(); // a repeated id in one batch: the later row wins
      documents.forEach((doc, i) => {
        const problem = documentProblem(doc);
        if (problem) errors.push({ row: rows?.[i] ?? i + 1, id: doc.id, reason: problem });
        else latest.set(doc.id, doc);
      });
      const batch = [...latest.values()];
      const replaced = batch.filter((d) => this.index.get(d.id) !== undefined).length;
      const entries = await this.encodeDocuments(batch);
      this.store?.commit(entries.map((put): Change => ({ put })), this.encoder?.id ?? '');
      await this.apply(entries);
      this.compactIfNeeded();
      this.saveAnn();
      return { ingested: batch.length, replaced, errors, documentCount: this.index.size };
    });
  }

  delete(ids: readonly string[]): Promise<{ deleted: number; missing: string[]; documentCount: number }> {
    return this.serialized(async () => {
      const unique = [...new Set(ids)];
      const present = unique.filter((id) => this.index.get(id) !== undefined);
      this.store?.commit(present.map((id): Change => ({ delete: id })), this.encoder?.id ?? '');
      for (const id of present) this.index.remove(id);
      this.compactIfNeeded();
      this.saveAnn();
      return { deleted: present.length, missing: unique.filter((id) => !present.includes(id)), documentCount: this.index.size };
    });
  }

  async search(query: string, options: SearchOptions = {}): Promise<{ sessionId: string; termWeight: number; results: Result[] }> {
    const { topK, termWeight, snippets } = this.checkOptions(options, 'top_k');
    checkQuery(query, 'query');
    const terms = analyze(query);
    const vector = await this.encodeQuery(query);
    const hits = hybridSearch(this.index, { terms, vector, termWeight, topK });
    const results = hits.map((hit) => this.result(hit, terms, snippets));
    const session = this.sessions.open(query, results.map((r) => r.doc.id), termWeight);
    return { sessionId: session.id, termWeight, results };
  }

  /** Re-rank only the session's documents for a new question, optionally mixed with the first question. */
  async followUp(sessionId: string, question: string, options: FollowUpOptions = {}): Promise<{ sessionId: string; results: Result[] }> {
    const session = this.sessions.get(sessionId);
    if (!session) throw new NotFoundError('session', sessionId);
    checkQuery(question, 'question');
    const { topK, termWeight, snippets } = this.checkOptions({ termWeight: session.termWeight, ...options }, 'top_k');
    const context = options.contextWeight ?? 0;
    if (!(context >= 0 && context < 1)) throw new InputError('context_weight', 'must be in [0, 1)');
    const within = session.documentIds.map((id) => this.index.slot(id)).filter((s): s is number => s !== undefined);
    const score = async (text: string): Promise<Map<number, HybridHit>> => {
      const hits = hybridSearch(this.index, { terms: analyze(text), vector: await this.encodeQuery(text), termWeight, topK: within.length, within });
      return new Map(hits.map((h) => [h.slot, h]));
    };
    const current = await score(question);
    const first = context > 0 ? await score(session.questions[0]!) : undefined;
    session.questions.push(question);
    const mixed = [...current.values()].map((h) => ({ ...h, score: (1 - context) * h.score + context * (first?.get(h.slot)?.score ?? 0) }));
    mixed.sort((a, b) => b.score - a.score || a.slot - b.slot);
    const terms = analyze(question);
    return { sessionId, results: mixed.slice(0, topK).map((hit) => this.result(hit, terms, snippets)) };
  }

  getDocument(id: string): StoredDocument {
    const doc = this.index.get(id);
    if (!doc) throw new NotFoundError('document', id);
    return doc;
  }

  /** Let pending writes finish (shutdown). */
  async drain(): Promise<void> {
    await this.writes.catch(() => undefined);
  }

  private result(hit: HybridHit, terms: string[], snippets: number): Result {
    const doc = this.index.document(hit.slot);
    return { ...hit, doc, snippets: selectSnippets(indexedText(doc), terms, (t) => this.index.bm25.idfOf(t), snippets) };
  }

  private checkOptions(options: SearchOptions, topKField: string): { topK: number; termWeight: number; snippets: number } {
    const topK = options.topK || LIMITS.defaultTopK;
    if (!Number.isInteger(topK) || topK < 1 || topK > LIMITS.maxTopK) throw new InputError(topKField, `must be between 1 and ${LIMITS.maxTopK}`);
    const termWeight = options.termWeight ?? this.defaultTermWeight;
    if (!Number.isFinite(termWeight) || termWeight < 0) throw new InputError('term_weight', 'must be a finite number ≥ 0');
    const snippets = options.snippets || LIMITS.defaultSnippets;
    if (!Number.isInteger(snippets) || snippets < 0 || snippets > LIMITS.maxSnippets) {
      throw new InputError('snippets_per_result', `must be between 0 and ${LIMITS.maxSnippets}`);
    }
    return { topK, termWeight, snippets };
  }

  private async encodeQuery(text: string): Promise<Float32Array | undefined> {
    return this.encoder ? (await this.encoder.encodeQueries([text]))[0] : undefined;
  }

  private async encodeDocuments(docs: readonly StoredDocument[]): Promise<StoredEntry[]> {
    if (!this.encoder) return docs.map((doc) => ({ doc }));
    const out: StoredEntry[] = [];
    for (let i = 0; i < docs.length; i += CHUNK) {
      const chunk = docs.slice(i, i + CHUNK);
      const vectors = await this.encoder.encodeDocuments(chunk.map(indexedText));
      chunk.forEach((doc, j) => out.push({ doc, vector: vectors[j]! }));
      await yieldToEventLoop();
    }
    return out;
  }

  /** Put entries into the in-memory index in chunks (encoding missing vectors), yielding between chunks. */
  private async apply(entries: readonly StoredEntry[]): Promise<void> {
    for (let i = 0; i < entries.length; i += CHUNK) {
      let chunk = entries.slice(i, i + CHUNK);
      if (this.encoder && chunk.some((e) => !e.vector)) chunk = await this.encodeDocuments(chunk.map((e) => e.doc));
      for (const { doc, vector } of chunk) this.index.put(doc, analyze(indexedText(doc)), vector);
      await yieldToEventLoop();
    }
  }

  /** Save the HNSW graph beside the corpus so a restart reads it instead of rebuilding it. */
  private saveAnn(): void {
    if (this.store && this.index.hasVectors) this.store.saveAnn((path) => this.index.writeAnn(path));
  }

  private compactIfNeeded(): void {
    if (this.store?.needsCompaction) this.store.rewrite(this.index.documents(), this.encoder?.id ?? '');
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.writes.then(work, work);
    this.writes = next.catch(() => undefined);
    return next;
  }
}

function checkQuery(text: string, field: string): void {
  if (text.trim().length === 0) throw new InputError(field, 'must not be empty');
  if (text.length > LIMITS.maxQueryChars) throw new InputError(field, `longer than ${LIMITS.maxQueryChars} characters`);
  if (!/[\p{L}\p{N}]/u.test(text)) throw new InputError(field, 'must contain a letter or digit');
}
