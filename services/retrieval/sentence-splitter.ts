// Split a document into sentences with character offsets, the units snippets are chosen from and a UI
// highlights. Abstracts run sentences together without a space ("disabilities.A"), so a full stop followed
// by a capital after a lowercase word also ends a sentence; common abbreviations do not.

export interface Span {
  start: number;
  end: number;
}

const ABBREVIATIONS = new Set(['e.g', 'i.e', 'al', 'fig', 'figs', 'vs', 'approx', 'ca', 'cf', 'dr', 'mr', 'mrs', 'no', 'st', 'spp', 'sp', 'etc', 'resp', 'eq', 'ref', 'refs']);
/** Sentences longer than this are cut at a word boundary so a snippet stays readable. */
const MAX_SENTENCE_CHARS = 400;

/** Sentence spans of a text, trimmed of surrounding whitespace, covering every non-space character. */
export function splitSentences(text: string): Span[] {
  const spans: Span[] = [];
  let start = 0;
  const push = (end: number): void => {
    let s = start;
    let e = end;
    while (s < e && /\s/.test(text[s]!)) s++;
    while (e > s && /\s/.test(text[e - 1]!)) e--;
    if (e > s) for (const piece of cutLong(text, s, e)) spans.push(piece);
    start = end;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\n') {
      push(i + 1);
    } else if (ch === '.' || ch === '!' || ch === '?') {
      const next = text[i + 1];
      const spaced = next !== undefined && /\s/.test(next) && /["'(\[]?[\p{Lu}\d]/u.test(text.slice(i + 2, i + 4).trimStart() || 'x');
      const runOn = next !== undefined && /\p{Lu}/u.test(next) && /\p{Ll}{3}$/u.test(text.slice(Math.max(0, i - 3), i));
      if ((spaced || runOn || next === undefined) && !(ch === '.' && endsWithAbbreviation(text, i))) push(i + 1);
    }
  }
  push(text.length);
  return spans;
}

function endsWithAbbreviation(text: string, dot: number): boolean {
  const word = /([\p{L}.]+)$/u.exec(text.slice(Math.max(0, dot - 12), dot))?.[1]?.toLowerCase() ?? '';
  return ABBREVIATIONS.has(word) || /^\p{L}$/u.test(word); // "J. Smith", "e.g."
}

function cutLong(text: string, start: number, end: number): Span[] {
  const out: Span[] = [];
  while (end - start > MAX_SENTENCE_CHARS) {
    let cut = text.lastIndexOf(' ', start + MAX_SENTENCE_CHARS);
    if (cut <= start) cut = start + MAX_SENTENCE_CHARS;
    out.push({ start, end: cut });
    start = cut;
    while (start < end && text[start] === ' ') start++;
  }
  if (end > start) out.push({ start, end });
  return out;
}
