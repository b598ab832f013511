// Choose the sentences of a document most likely to answer the question, with the matched query terms and
// the spans to highlight. A sentence scores the sum of the idf of the distinct query terms it contains
// (BM25's term weight without length normalisation, which would favour fragments), ties to the earlier one.
import { analyzeWithOffsets } from './english-analyzer.js';
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
  const words = analyzeWithOffsets(text).filter((w) => wanted.has(w.term));
  const candidates = splitSentences(text).map((span, order) => {
    const inside = words.filter((w) => w.start >= span.start && w.end <= span.end);
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
