// Choose the sentences of a document most likely to answer the question, with the matched query terms and
// the spans to highlight. A sentence scores the sum of the idf of the distinct query terms it contains
// (BM25's term weight without length normalisation, which would favour fragments), ties to the earlier one.
import { analyzeWord, tokenize, type Term } from './english-analyzer.js';
import { splitSentences, type Span } from './sentence-splitter.js';

export interface Snippet extends Span {
  text: string;
  matchedTerms: string[];
  highlights: Span[];
  score: number;
}

/**
 * Best `count` sentences of `text` for the analyzed query terms; `idf` weighs a term. Falls back to the
 * first sentences when nothing matches, so every result can show something.
 */
export function selectSnippets(text: string, queryTerms: readonly string[], idf: (term: string) => number, count: number): Snippet[] {
  if (count <= 0) return [];
  const wanted = new Set(queryTerms);
  const words: Term[] = [];
  for (const token of tokenize(text)) {
    const term = analyzeWord(token.text);
    if (term !== undefined && wanted.has(term)) words.push({ term, start: token.start, end: token.end });
  }
  let next = 0; // words and sentences are both in text order: one merge pass
  const candidates = splitSentences(text).map((span, order) => {
    while (next < words.length && words[next]!.start < span.start) next++;
    const inside: Term[] = [];
    while (next < words.length && words[next]!.end <= span.end) inside.push(words[next++]!);
    const matchedTerms = [...new Set(inside.map((w) => w.term))];
    return {
      order,
      snippet: {
        text: text.slice(span.start, span.end),
        start: span.start,
        end: span.end,
        matchedTerms,
        highlights: inside.map((w) => ({ start: w.start, end: w.end })),
        score: matchedTerms.reduce((s, t) => s + idf(t), 0),
      },
    };
  });
  return candidates
    .sort((a, b) => b.snippet.score - a.snippet.score || a.order - b.order)
    .slice(0, count)
    .map((c) => c.snippet);
}
