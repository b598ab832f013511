// The output alphabet of the transducer: blank (id 0), space, apostrophe, a–z.

export const BLANK = 0;
export const SYMBOLS = [' ', "'", ...'abcdefghijklmnopqrstuvwxyz'] as const;
/** Vocabulary size including the blank. */
export const VOCAB_SIZE = SYMBOLS.length + 1;

const idOf = new Map<string, number>(SYMBOLS.map((s, i) => [s, i + 1]));

/** Lower-case, map anything outside the alphabet to a space, collapse and trim spaces. */
export function normalizeTranscript(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z' ]+/g, ' ')
    .replace(/ +/g, ' ')
    .trim();
}

/** Label ids (1..VOCAB_SIZE−1) of a normalized transcript. */
export function encodeText(text: string): number[] {
  return [...normalizeTranscript(text)].map((c) => idOf.get(c)!);
}

export function decodeIds(ids: readonly number[]): string {
  return ids.filter((id) => id !== BLANK).map((id) => SYMBOLS[id - 1]).join('');
}
