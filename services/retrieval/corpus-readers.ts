// Readers for the two corpus layouts the service ingests: CORD-19 metadata.csv and BEIR corpus.jsonl
// (plus BEIR queries and qrels for evaluation). A malformed row becomes a RowError; the rest are read.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv } from './csv-parser.js';
import { documentProblem, emptyDocument, type RowError, type StoredDocument } from './document.js';
import type { Qrels } from './ir-metrics.js';

export interface ReadResult {
  documents: StoredDocument[];
  errors: RowError[];
}

/** BEIR corpus.jsonl: one `{"_id", "title", "text"}` object per line; rows are line numbers. */
export function parseBeirCorpus(text: string): ReadResult {
  const result: ReadResult = { documents: [], errors: [] };
  text.split('\n').forEach((line, index) => {
    if (!line.trim()) return;
    const row = index + 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      result.errors.push({ row, id: '', reason: `not valid JSON: ${(e as Error).message}` });
      return;
    }
    const obj = (value ?? {}) as Record<string, unknown>;
    const id = typeof obj._id === 'string' || typeof obj._id === 'number' ? String(obj._id) : '';
    if (typeof obj.text !== 'string' || (obj.title !== undefined && typeof obj.title !== 'string')) {
      result.errors.push({ row, id, reason: 'text: missing or not a string (title must be a string too)' });
      return;
    }
    const doc = { ...emptyDocument(id), title: (obj.title as string | undefined) ?? '', text: obj.text };
    addChecked(result, doc, row);
  });
  return result;
}

const CORD19_REQUIRED = ['cord_uid', 'title', 'abstract'] as const;

/**
 * CORD-19 metadata.csv (columns cord_uid, sha, source_x, title, doi, pmcid, pubmed_id, license, abstract,
 * publish_time, authors, journal, …, url). Rows are data rows, 1-based, header excluded. CORD-19 repeats a
 * cord_uid across rows for the same paper from several sources; the later row replaces the earlier.
 */
export function parseCord19Metadata(text: string): ReadResult {
  const result: ReadResult = { documents: [], errors: [] };
  const records = parseCsv(text);
  const header = records.next();
  if (header.done) return result;
  const columns = new Map(header.value.fields.map((name, i) => [name.trim(), i]));
  const missing = CORD19_REQUIRED.filter((c) => !columns.has(c));
  if (missing.length > 0) {
    result.errors.push({ row: 0, id: '', reason: `header: missing column(s) ${missing.join(', ')}` });
    return result;
  }
  const width = columns.size;
  let row = 0;
  for (const record of records) {
    row++;
    const get = (name: string): string => record.fields[columns.get(name) ?? -1]?.trim() ?? '';
    const id = get('cord_uid');
    if (record.error || record.fields.length !== width) {
      const reason = record.error ?? `expected ${width} fields, found ${record.fields.length} (line ${record.line})`;
      result.errors.push({ row, id, reason });
      continue;
    }
    const doc: StoredDocument = {
      id,
      title: get('title'),
      text: get('abstract'),
      authors: get('authors').split(';').map((a) => a.trim()).filter(Boolean),
      journal: get('journal'),
      publishTime: get('publish_time'),
      doi: get('doi'),
      url: get('url').split(';')[0]!.trim() || (get('doi') ? `https://doi.org/${get('doi')}` : ''),
    };
    addChecked(result, doc, row);
  }
  return result;
}

function addChecked(result: ReadResult, doc: StoredDocument, row: number): void {
  const problem = documentProblem(doc);
  if (problem) result.errors.push({ row, id: doc.id, reason: problem });
  else result.documents.push(doc);
}

export interface BeirQuery {
  id: string;
  text: string;
}

export function readBeirCorpus(dir: string): ReadResult {
  return parseBeirCorpus(readFileSync(join(dir, 'corpus.jsonl'), 'utf8'));
}

export function readBeirQueries(dir: string): Map<string, string> {
  const queries = new Map<string, string>();
  for (const line of readFileSync(join(dir, 'queries.jsonl'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const q = JSON.parse(line) as { _id: string | number; text: string };
    queries.set(String(q._id), q.text);
  }
  return queries;
}

/** BEIR qrels/<split>.tsv: header `query-id corpus-id score`, then one judgement per line. */
export function readBeirQrels(dir: string, split: string): Qrels {
  const qrels: Qrels = new Map();
  const lines = readFileSync(join(dir, 'qrels', `${split}.tsv`), 'utf8').split('\n').slice(1);
  for (const line of lines) {
    const [qid, docid, score] = line.trim().split('\t');
    if (!qid || !docid) continue;
    if (!qrels.has(qid)) qrels.set(qid, new Map());
    qrels.get(qid)!.set(docid, Number(score));
  }
  return qrels;
}
