// Splits a snippet into plain and highlighted pieces from the offsets the retrieval service returns. The
// offsets (Snippet.start/end, Highlight.start/end) point into the document's indexed text in UTF-16 units,
// as JavaScript strings count, so a snippet-relative span is just `highlight - snippet.start`. The spans come
// from the network: they are clamped to the snippet, sorted and merged so no input can throw or repeat text.

export interface Span {
  start: number;
  end: number;
}

export interface Piece {
  text: string;
  highlighted: boolean;
}

export function highlightPieces(text: string, snippetStart: number, highlights: readonly Span[]): Piece[] {
  const spans = highlights
    .map((h) => ({ start: clamp(h.start - snippetStart, text.length), end: clamp(h.end - snippetStart, text.length) }))
    .filter((s) => s.end > s.start)
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const pieces: Piece[] = [];
  let at = 0;
  for (const span of spans) {
    const start = Math.max(span.start, at);
    if (span.end <= start) continue;
    if (start > at) pieces.push({ text: text.slice(at, start), highlighted: false });
    const last = pieces[pieces.length - 1];
    // Adjacent or overlapping spans become one highlight.
    if (last?.highlighted && start === at) last.text += text.slice(start, span.end);
    else pieces.push({ text: text.slice(start, span.end), highlighted: true });
    at = span.end;
  }
  if (at < text.length) pieces.push({ text: text.slice(at), highlighted: false });
  return pieces;
}

function clamp(n: number, max: number): number {
  return Math.min(Math.max(Math.trunc(n), 0), max);
}
