// The dual encoder of the hybrid model (Ma et al. 2021): one siamese encoder for questions and passages,
// trained on synthetic questions with in-batch negatives plus BM25 hard negatives. Tiny so it trains on a
// CPU in minutes: analyzed terms → learned-weight mean of term embeddings → dense → unit vector.
// e(text) = normalize(W · Σ_t softplus(a_t) E_t / Σ_t softplus(a_t) + c)   (a_t: learned term importance)
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend, tf } from '../ml/backend.js';
import { embeddingLookup } from './embedding-lookup.js';
import { analyze } from './english-analyzer.js';
import { loadCheckpoint, saveCheckpoint } from './tensor-checkpoint.js';
import type { TextEncoder } from './text-encoder.js';
import { addWeight, type Params } from './transformer-blocks.js';
import { padBatch, PAD, UNK, WordVocabulary } from './word-vocabulary.js';

export interface DualEncoderConfig {
  vocabSize: number;
  dim: number;
  maxQueryTerms: number;
  maxDocumentTerms: number;
}

export interface DualEncoderMeta {
  config: DualEncoderConfig;
  vocabulary: string[];
  /** Term weight k tuned on the dev split; the service's default. */
  defaultTermWeight?: number;
  [key: string]: unknown;
}

/** Term vocabulary: the analyzer's stemmed terms (stopwords dropped), most frequent first. */
export function buildTermVocabulary(texts: Iterable<string>, size: number): WordVocabulary {
  const counts = new Map<string, number>();
  for (const text of texts) for (const t of analyze(text)) counts.set(t, (counts.get(t) ?? 0) + 1);
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([t]) => t);
  return new WordVocabulary(['<pad>', '<unk>', ...ranked.slice(0, size - 2)]);
}

export class DualEncoder {
  readonly params: Params = new Map();
  private readonly ids: Map<string, number>;

  constructor(readonly config: DualEncoderConfig, readonly vocab: WordVocabulary) {
    this.ids = new Map(vocab.tokens.map((t, i) => [t, i]));
    addWeight(this.params, 'embedding', [config.vocabSize, config.dim]);
    this.params.set('importance', tf.variable(tf.zeros([config.vocabSize, 1]), true));
    addWeight(this.params, 'projection', [config.dim, config.dim]);
    this.params.set('bias', tf.variable(tf.zeros([config.dim]), true));
  }

  /** Unit vectors [n, dim] for texts, reading at most `maxTerms` analyzed terms of each. */
  embed(texts: readonly string[], maxTerms: number): tf.Tensor2D {
    return this.embedIds(texts.map((text) => this.termIds(text, maxTerms)));
  }

  /** Vocabulary ids of a text's first `maxTerms` analyzed terms (training precomputes these once). */
  termIds(text: string, maxTerms: number): number[] {
    return analyze(text).slice(0, maxTerms).map((t) => this.ids.get(t) ?? UNK);
  }

  embedIds(rows: readonly (readonly number[])[]): tf.Tensor2D {
    const length = Math.max(1, ...rows.map((r) => r.length));
    const flat = padBatch(rows, length);
    const mask = tf.tensor3d(Float32Array.from(flat, (id) => (id === PAD ? 0 : 1)), [rows.length, length, 1]);
    const vectors = embeddingLookup(this.params.get('embedding')! as tf.Tensor as tf.Tensor2D, flat, [rows.length, length]);
    const importance = tf.softplus(embeddingLookup(this.params.get('importance')! as tf.Tensor as tf.Tensor2D, flat, [rows.length, length])).mul(mask);
    const pooled = vectors.mul(importance).sum(1).div(importance.sum(1).add(1e-6));
    const projected = tf.matMul(pooled as tf.Tensor2D, this.params.get('projection')! as tf.Tensor as tf.Tensor2D).add(this.params.get('bias')!);
    return tf.div(projected, tf.norm(projected, 2, -1, true).add(1e-6)) as tf.Tensor2D;
  }

  save(dir: string, meta: Partial<DualEncoderMeta> = {}): void {
    saveCheckpoint(dir, { ...meta, config: this.config, vocabulary: this.vocab.tokens }, this.params);
  }

  static load(dir: string): { model: DualEncoder; meta: DualEncoderMeta } {
    const { meta, tensors } = loadCheckpoint<DualEncoderMeta>(dir);
    const model = new DualEncoder(meta.config, new WordVocabulary(meta.vocabulary));
    for (const [name, v] of model.params) v.assign(tensors.get(name)!);
    tensors.forEach((t) => t.dispose());
    return { model, meta };
  }
}

/**
 * The service-facing view: the same forward pass as `embedIds`, in plain typed arrays over weights read once,
 * so encoding a query costs microseconds instead of a tfjs graph per call (no tensors, no backend round trip).
 */
export function asTextEncoder(model: DualEncoder, id: string): TextEncoder {
  const { dim } = model.config;
  const weight = (name: string): Float32Array => model.params.get(name)!.dataSync() as Float32Array;
  const embedding = weight('embedding');
  const importance = Float32Array.from(weight('importance'), softplus);
  const projection = weight('projection');
  const bias = weight('bias');
  const encode = (text: string, maxTerms: number): Float32Array => {
    const pooled = new Float64Array(dim);
    let total = 0;
    for (const term of model.termIds(text, maxTerms)) {
      const w = importance[term]!;
      total += w;
      for (let j = 0, row = term * dim; j < dim; j++) pooled[j]! += w * embedding[row + j]!;
    }
    const out = Float32Array.from(bias);
    for (let i = 0; i < dim; i++) {
      const x = pooled[i]! / (total + 1e-6);
      if (x !== 0) for (let j = 0, row = i * dim; j < dim; j++) out[j]! += x * projection[row + j]!;
    }
    let norm = 0;
    for (let j = 0; j < dim; j++) norm += out[j]! * out[j]!;
    const scale = 1 / (Math.sqrt(norm) + 1e-6);
    for (let j = 0; j < dim; j++) out[j]! *= scale;
    return out;
  };
  return {
    id,
    dim,
    encodeQueries: async (texts) => texts.map((t) => encode(t, model.config.maxQueryTerms)),
    encodeDocuments: async (texts) => texts.map((t) => encode(t, model.config.maxDocumentTerms)),
  };
}

/** tfjs's softplus, log(1 + e^x), without overflow. */
function softplus(x: number): number {
  return x > 20 ? x : Math.log1p(Math.exp(x));
}

/** Load a checkpoint directory as the service's encoder and its tuned default k. */
export async function loadDualEncoder(dir: string): Promise<{ encoder: TextEncoder; defaultTermWeight?: number }> {
  await initBackend();
  const { model, meta } = DualEncoder.load(dir);
  const id = createHash('sha256').update(readFileSync(join(dir, 'weights.bin'))).digest('hex').slice(0, 16);
  return { encoder: asTextEncoder(model, id), defaultTermWeight: meta.defaultTermWeight };
}
