// One search result as a card. Every string here comes from the corpus (untrusted): it only ever becomes a
// text node or an attribute value, never markup, and links are followed only for http(s) URLs.
import type { DocumentMetadata, SearchResult, Snippet } from '../../../gen/nnsuite/retrieval/v1/retrieval_pb.js';
import { highlightPieces } from './highlight.js';

const SHOWN_AUTHORS = 3;

export function resultCard(result: SearchResult): HTMLLIElement {
  const meta = result.metadata;
  const item = el('li');
  const card = el('article', 'card');
  card.dataset.docId = result.id;
  card.setAttribute('aria-labelledby', headingId(result.id));

  const heading = el('h3', 'card-title');
  heading.id = headingId(result.id);
  const title = meta?.title.trim() || `Untitled document ${result.id}`;
  const href = link(meta);
  if (href) {
    const a = el('a', undefined, title);
    a.href = href;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    heading.append(a);
  } else {
    heading.append(title);
  }
  card.append(heading, metaLine(meta));

  if (result.snippets.length > 0) {
    const list = el('ul', 'snippets');
    list.setAttribute('aria-label', 'Answer snippets');
    for (const snippet of result.snippets) list.append(el('li', undefined, snippetQuote(snippet)));
    card.append(list);
  }

  const scores = el('p', 'scores', `score ${result.score.toFixed(3)} · term ${result.termScore.toFixed(3)} · neural ${result.neuralScore.toFixed(3)}`);
  scores.title = 'Hybrid score = k · term (BM25) + neural (dual-encoder similarity)';
  card.append(scores);
  item.append(card);
  return item;
}

export function snippetQuote(snippet: Snippet): HTMLQuoteElement {
  const quote = el('blockquote', 'snippet');
  for (const piece of highlightPieces(snippet.text, snippet.start, snippet.highlights)) {
    quote.append(piece.highlighted ? el('mark', undefined, piece.text) : document.createTextNode(piece.text));
  }
  if (snippet.matchedTerms.length > 0) quote.title = `Matched: ${snippet.matchedTerms.join(', ')}`;
  return quote;
}

function metaLine(meta: DocumentMetadata | undefined): HTMLParagraphElement {
  const line = el('p', 'card-meta');
  const authors = meta?.authors.filter((a) => a.trim()) ?? [];
  if (authors.length > 0) {
    const shown = authors.slice(0, SHOWN_AUTHORS).join(', ');
    const span = el('span', 'authors', authors.length > SHOWN_AUTHORS ? `${shown} + ${authors.length - SHOWN_AUTHORS} more` : shown);
    span.title = authors.join('; ');
    line.append(span);
  }
  if (meta?.journal) line.append(el('span', 'journal', meta.journal));
  if (meta?.publishTime) {
    const time = el('time', 'date', meta.publishTime);
    if (/^\d{4}(-\d{2}(-\d{2})?)?$/.test(meta.publishTime)) time.dateTime = meta.publishTime;
    line.append(time);
  }
  return line;
}

/** The paper's landing page: its URL if it is http(s), else its DOI resolver link, else none. */
export function link(meta: DocumentMetadata | undefined): string | undefined {
  for (const candidate of [meta?.url, meta?.doi ? `https://doi.org/${meta.doi.replace(/^https?:\/\/(dx\.)?doi\.org\//, '')}` : undefined]) {
    if (!candidate) continue;
    try {
      const url = new URL(candidate.split(/\s*;\s*/)[0]!);
      if (url.protocol === 'https:' || url.protocol === 'http:') return url.href;
    } catch {
      // not a URL: try the next candidate
    }
  }
  return undefined;
}

function headingId(docId: string): string {
  return `doc-${encodeURIComponent(docId).replace(/%/g, '_')}`;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string | Node): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.append(text);
  return node;
}
