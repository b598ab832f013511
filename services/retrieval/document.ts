// The stored form of a document, and the checks every ingest path (RPC stream, CORD-19, BEIR) applies.

export interface StoredDocument {
  id: string;
  title: string;
  text: string;
  authors: string[];
  journal: string;
  publishTime: string;
  doi: string;
  url: string;
}

/** A rejected input row: 1-based row number (data rows for CSV, lines for JSONL, messages for a stream). */
export interface RowError {
  row: number;
  id: string;
  reason: string;
}

export const MAX_ID_LENGTH = 256;
export const MAX_DOCUMENT_CHARS = 1_000_000;

/** The text that is analyzed and that snippet offsets refer to (Anserini's flat BEIR layout: title, newline, text). */
export function indexedText(doc: Pick<StoredDocument, 'title' | 'text'>): string {
  return doc.title ? `${doc.title}\n${doc.text}` : doc.text;
}

/** Why a document cannot be stored (naming the field), or undefined when it can. */
export function documentProblem(doc: StoredDocument): string | undefined {
  if (doc.id.trim().length === 0) return 'id: must not be empty';
  if (doc.id.length > MAX_ID_LENGTH) return `id: longer than ${MAX_ID_LENGTH} characters`;
  if (!doc.title.trim() && !doc.text.trim()) return 'text: title and text are both empty';
  if (doc.title.length + doc.text.length > MAX_DOCUMENT_CHARS) return `text: longer than ${MAX_DOCUMENT_CHARS} characters`;
  return undefined;
}

export function emptyDocument(id: string): StoredDocument {
  return { id, title: '', text: '', authors: [], journal: '', publishTime: '', doi: '', url: '' };
}
