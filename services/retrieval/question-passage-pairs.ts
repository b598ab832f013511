// Question→passage pairs that train the query generator, as the research did: real questions with the
// snippets that answer them (BioASQ), and corpus titles as pseudo-questions for their abstracts.
import { readFileSync } from 'node:fs';
import type { StoredDocument } from './document.js';

export interface QuestionPassage {
  question: string;
  passage: string;
}

/** BioASQ JSON (a list of questions, or {questions: [...]}) → each question with each gold snippet. */
export function bioasqPairs(path: string): QuestionPassage[] {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  const questions = (Array.isArray(raw) ? raw : (raw as { questions: unknown[] }).questions) as Record<string, unknown>[];
  const pairs: QuestionPassage[] = [];
  for (const q of questions) {
    for (const snippet of parseLooseList(q.snippets)) {
      const text = typeof snippet === 'object' && snippet !== null ? (snippet as { text?: unknown }).text : undefined;
      if (typeof q.body === 'string' && typeof text === 'string' && text.trim()) pairs.push({ question: q.body, passage: text });
    }
  }
  return pairs;
}

/** Titles as pseudo-questions for their abstracts. */
export function titlePairs(documents: readonly StoredDocument[]): QuestionPassage[] {
  return documents.filter((d) => d.title.trim() && d.text.trim()).map((d) => ({ question: d.title, passage: d.text }));
}

// The sample stores lists either as JSON or as Python reprs ("[{'text': ...}]").
function parseLooseList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value !== 'string') return [];
  try {
    return JSON.parse(value) as unknown[];
  } catch {
    return pythonReprList(value);
  }
}

/** Extract 'text' fields from a Python repr of a list of dicts (quotes may be ' or "). */
function pythonReprList(repr: string): { text: string }[] {
  const out: { text: string }[] = [];
  const pattern = /'text':\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/g;
  for (let m = pattern.exec(repr); m; m = pattern.exec(repr)) {
    out.push({ text: (m[1] ?? m[2] ?? '').replace(/\\(['"\\])/g, '$1') });
  }
  return out;
}
