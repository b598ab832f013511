// Durable storage of the corpus under <data dir>/retrieval, crash-safe by write-new-then-rename:
// every commit writes a new segment file (documents put, ids deleted, with their neural vectors), fsyncs it,
// then atomically replaces manifest.json, the one file that says which segments make up the corpus.
// A crash before the manifest rename leaves the previous manifest, and so the previous corpus, intact;
// unreferenced segment files are deleted on the next open. Many segments are merged into one (compaction).
// The HNSW graph over the stored vectors is saved beside the segments the same way (graph + labels files,
// then a manifest swap naming them and the segments they cover), so a restart reads it instead of
// rebuilding; a graph that does not cover the current segments (a crash between the two swaps) is ignored.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { StoredDocument } from './document.js';

export interface StoredEntry {
  doc: StoredDocument;
  vector?: Float32Array;
}

export type Change = { put: StoredEntry } | { delete: string };

interface Manifest {
  version: 1;
  /** TextEncoder.id the stored vectors came from ('' when none). */
  encoderId: string;
  segments: string[];
  nextSegment: number;
  /** The saved HNSW graph, its label → document id file, and the segments it was built from. */
  ann?: { graph: string; labels: string; segments: string[] };
}

export interface SavedAnn {
  graphPath: string;
  labels: (string | null)[];
}

const MANIFEST = 'manifest.json';
/** Merge segments once there are more than this many. */
const MAX_SEGMENTS = 16;

export class DocumentStore {
  private manifest: Manifest;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, MANIFEST);
    this.manifest = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Manifest) : { version: 1, encoderId: '', segments: [], nextSegment: 1 };
    this.removeUnreferenced();
  }

  get encoderId(): string {
    return this.manifest.encoderId;
  }

  /** Replay the committed segments: the live documents, later changes winning. */
  load(): Map<string, StoredEntry> {
    const live = new Map<string, StoredEntry>();
    for (const name of this.manifest.segments) {
      for (const line of readFileSync(join(this.dir, name), 'utf8').split('\n')) {
        if (!line) continue;
        const change = decodeChange(line);
        if ('put' in change) live.set(change.put.doc.id, change.put);
        else live.delete(change.delete);
      }
    }
    return live;
  }

  /** The saved HNSW graph when it covers exactly the committed segments. */
  savedAnn(): SavedAnn | undefined {
    const ann = this.manifest.ann;
    if (!ann || ann.segments.join() !== this.manifest.segments.join()) return undefined;
    const labels = JSON.parse(readFileSync(join(this.dir, ann.labels), 'utf8')) as (string | null)[];
    return { graphPath: join(this.dir, ann.graph), labels };
  }

  /** Durably save the HNSW graph: `write(path)` writes it and returns the document id of each label. */
  saveAnn(write: (path: string) => (string | null)[]): void {
    const stem = `ann-${String(this.manifest.nextSegment).padStart(8, '0')}`;
    const graph = `${stem}.hnsw`;
    const labels = write(join(this.dir, graph));
    syncFile(join(this.dir, graph));
    writeDurably(join(this.dir, `${stem}.labels.json`), JSON.stringify(labels));
    const old = this.manifest.ann;
    const ann = { graph, labels: `${stem}.labels.json`, segments: [...this.manifest.segments] };
    this.swapManifest({ ...this.manifest, ann, nextSegment: this.manifest.nextSegment + 1 });
    if (old) for (const f of [old.graph, old.labels]) rmSync(join(this.dir, f), { force: true });
  }

  /** Durably append a batch of changes. */
  commit(changes: readonly Change[], encoderId: string): void {
    if (changes.length === 0) return;
    const name = this.writeSegment(changes.map(encodeChange));
    this.swapManifest({ ...this.manifest, encoderId, segments: [...this.manifest.segments, name], nextSegment: this.manifest.nextSegment + 1 });
  }

  /** Replace every segment with one holding exactly `entries` (used after re-encoding and for compaction). */
  rewrite(entries: Iterable<StoredEntry>, encoderId: string): void {
    const lines: string[] = [];
    for (const put of entries) lines.push(encodeChange({ put }));
    const name = this.writeSegment(lines);
    const old = this.manifest.segments;
    const ann = this.manifest.ann;
    this.swapManifest({ version: 1, encoderId, segments: [name], nextSegment: this.manifest.nextSegment + 1 });
    for (const s of old) rmSync(join(this.dir, s), { force: true });
    if (ann) for (const f of [ann.graph, ann.labels]) rmSync(join(this.dir, f), { force: true });
  }

  get needsCompaction(): boolean {
    return this.manifest.segments.length > MAX_SEGMENTS;
  }

  private writeSegment(lines: string[]): string {
    const name = `segment-${String(this.manifest.nextSegment).padStart(8, '0')}.jsonl`;
    writeDurably(join(this.dir, name), lines.join('\n') + '\n');
    return name;
  }

  private swapManifest(next: Manifest): void {
    const tmp = join(this.dir, `${MANIFEST}.tmp`);
    writeDurably(tmp, JSON.stringify(next));
    renameSync(tmp, join(this.dir, MANIFEST));
    syncDirectory(this.dir);
    this.manifest = next;
  }

  private removeUnreferenced(): void {
    const ann = this.manifest.ann;
    const keep = new Set([MANIFEST, ...this.manifest.segments, ...(ann ? [ann.graph, ann.labels] : [])]);
    for (const name of readdirSync(this.dir)) if (!keep.has(name)) rmSync(join(this.dir, name), { force: true });
  }
}

function writeDurably(path: string, content: string): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function syncDirectory(dir: string): void {
  syncFile(dir, 'r');
}

function syncFile(path: string, flags = 'r+'): void {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function encodeChange(change: Change): string {
  if ('delete' in change) return JSON.stringify({ delete: change.delete });
  const { doc, vector } = change.put;
  const v = vector ? Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64') : undefined;
  return JSON.stringify({ put: doc, vector: v });
}

function decodeChange(line: string): Change {
  const raw = JSON.parse(line) as { put?: StoredDocument; vector?: string; delete?: string };
  if (raw.delete !== undefined) return { delete: raw.delete };
  const bytes = raw.vector ? Buffer.from(raw.vector, 'base64') : undefined;
  const vector = bytes ? new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) : undefined;
  return { put: vector ? { doc: raw.put!, vector } : { doc: raw.put! } };
}
