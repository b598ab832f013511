// What the index needs from a neural model: unit-length vectors for queries and documents whose dot
// product ranks relevance (the "neural vector" of the hybrid [k·term ; neural] representation).

export interface TextEncoder {
  /** Fingerprint of the checkpoint; stored vectors made by another model are recomputed. */
  readonly id: string;
  readonly dim: number;
  /** Unit-length vectors, one per text. */
  encodeQueries(texts: readonly string[]): Promise<Float32Array[]>;
  encodeDocuments(texts: readonly string[]): Promise<Float32Array[]>;
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
