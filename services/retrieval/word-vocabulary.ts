// The word vocabulary of the neural models: lowercase UAX #29 words (the analyzer's tokenizer, without
// stemming or stopword removal so generated questions stay readable), the most frequent ones kept.
import { tokenize } from './english-analyzer.js';

export const PAD = 0;
export const UNK = 1;
export const BOS = 2;
export const EOS = 3;
const SPECIALS = ['<pad>', '<unk>', '<s>', '</s>'];

export function words(text: string): string[] {
  return tokenize(text).map((t) => t.text.toLowerCase());
}

export class WordVocabulary {
  private readonly ids: Map<string, number>;

  constructor(readonly tokens: readonly string[]) {
    this.ids = new Map(tokens.map((t, i) => [t, i]));
  }

  /** The `size` most frequent words of the texts (ties alphabetical), after the special tokens. */
  static build(texts: Iterable<string>, size: number): WordVocabulary {
    const counts = new Map<string, number>();
    for (const text of texts) for (const w of words(text)) counts.set(w, (counts.get(w) ?? 0) + 1);
    const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([w]) => w);
    return new WordVocabulary([...SPECIALS, ...ranked.slice(0, size - SPECIALS.length)]);
  }

  get size(): number {
    return this.tokens.length;
  }

  /** Word ids of a text, cut to `maxLength`, unknown words as UNK. */
  encode(text: string, maxLength: number): number[] {
    return words(text).slice(0, maxLength).map((w) => this.ids.get(w) ?? UNK);
  }

  decode(ids: readonly number[]): string {
    return ids.filter((id) => id > EOS).map((id) => this.tokens[id]).join(' ');
  }
}

/** Right-pad id lists to one length (a row-major [rows, length] Int32Array). */
export function padBatch(rows: readonly (readonly number[])[], length: number): Int32Array {
  const out = new Int32Array(rows.length * length);
  rows.forEach((row, r) => out.set(row.slice(0, length), r * length));
  return out;
}
