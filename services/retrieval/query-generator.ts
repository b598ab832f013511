// The query generator of Ma et al. 2021 ("Zero-shot neural passage retrieval via domain-targeted synthetic
// question generation"): an encoder-decoder Transformer that reads a passage and writes a question it
// answers, trained on question→passage pairs and then sampled to make synthetic training queries for the
// dual encoder. Tiny here (CPU-trainable in minutes): shared word embeddings, sinusoidal positions.
import { tf } from '../ml/backend.js';
import { seededRandom } from '../ml/seeded-random.js';
import { embeddingLookup } from './embedding-lookup.js';
import { attentionBlock, causalBias, feedForwardBlock, initAttention, initFeedForward, addNorm, addWeight, layerNorm, paddingBias, type Params } from './transformer-blocks.js';
import { BOS, EOS, PAD, padBatch, WordVocabulary } from './word-vocabulary.js';
import { loadCheckpoint, saveCheckpoint } from './tensor-checkpoint.js';

export interface QueryGeneratorConfig {
  vocabSize: number;
  dModel: number;
  heads: number;
  ffn: number;
  encoderLayers: number;
  decoderLayers: number;
  /** Passage words read. */
  sourceLength: number;
  /** Question words written (plus the end token). */
  targetLength: number;
}

export class QueryGenerator {
  readonly params: Params = new Map();

  constructor(readonly config: QueryGeneratorConfig, readonly vocab: WordVocabulary) {
    const { dModel: d, ffn } = config;
    addWeight(this.params, 'embedding', [config.vocabSize, d]);
    for (let l = 0; l < config.encoderLayers; l++) {
      initAttention(this.params, `enc${l}.self`, d);
      initFeedForward(this.params, `enc${l}.ffn`, d, ffn);
    }
    for (let l = 0; l < config.decoderLayers; l++) {
      initAttention(this.params, `dec${l}.self`, d);
      initAttention(this.params, `dec${l}.cross`, d);
      initFeedForward(this.params, `dec${l}.ffn`, d, ffn);
    }
    addNorm(this.params, 'enc.ln', d);
    addNorm(this.params, 'dec.ln', d);
  }

  /** Mean cross-entropy per target word of questions given passages (teacher forcing). */
  loss(passages: readonly string[], questions: readonly string[]): tf.Scalar {
    const { targetLength: T } = this.config;
    const targets = questions.map((q) => [...this.vocab.encode(q, T), EOS]);
    const inputs = targets.map((t) => [BOS, ...t.slice(0, -1)]);
    const memory = this.encode(passages);
    const logits = this.decode(memory, padBatch(inputs, T + 1), T + 1);
    const targetIds = padBatch(targets, T + 1);
    const mask = tf.tensor2d(Float32Array.from(targetIds, (id) => (id === PAD ? 0 : 1)), [questions.length, T + 1]);
    const oneHot = tf.oneHot(tf.tensor2d(targetIds, [questions.length, T + 1], 'int32'), this.config.vocabSize);
    const nll = tf.logSoftmax(logits).mul(oneHot).sum(-1).neg();
    return nll.mul(mask).sum().div(mask.sum()) as tf.Scalar;
  }

  /**
   * Sample `perPassage` questions for each passage (top-k sampling, as synthetic-query work does to get
   * diverse questions), deterministic for a given seed.
   */
  generate(passages: readonly string[], perPassage: number, topK = 20, seed = 1): string[][] {
    const random = seededRandom(seed);
    const { targetLength: T } = this.config;
    const sources = passages.flatMap((p) => Array<string>(perPassage).fill(p));
    const sequences = sources.map(() => [BOS]);
    const done = sources.map(() => false);
    const memory = tf.tidy(() => this.encode(sources));
    for (let step = 0; step < T && done.some((d) => !d); step++) {
      const last = tf.tidy(() => {
        const logits = this.decode(memory, padBatch(sequences, step + 1), step + 1);
        return logits.slice([0, step, 0], [sources.length, 1, this.config.vocabSize]).reshape([sources.length, this.config.vocabSize]);
      });
      const scores = last.dataSync() as Float32Array;
      last.dispose();
      sequences.forEach((seq, i) => {
        if (done[i]) return seq.push(PAD);
        const next = sampleTopK(scores.subarray(i * this.config.vocabSize, (i + 1) * this.config.vocabSize), topK, random);
        seq.push(next);
        if (next === EOS) done[i] = true;
      });
    }
    memory.dispose();
    const texts = sequences.map((s) => this.vocab.decode(s.slice(1).filter((id) => id !== PAD && id !== EOS)));
    return passages.map((_, p) => texts.slice(p * perPassage, (p + 1) * perPassage));
  }

  save(dir: string, meta: Record<string, unknown> = {}): void {
    saveCheckpoint(dir, { config: this.config, vocabulary: this.vocab.tokens, ...meta }, this.params);
  }

  static load(dir: string): QueryGenerator {
    const { meta, tensors } = loadCheckpoint<{ config: QueryGeneratorConfig; vocabulary: string[] }>(dir);
    const model = new QueryGenerator(meta.config, new WordVocabulary(meta.vocabulary));
    for (const [name, v] of model.params) v.assign(tensors.get(name)!);
    tensors.forEach((t) => t.dispose());
    return model;
  }

  private encode(passages: readonly string[]): tf.Tensor {
    const { sourceLength: S, encoderLayers } = this.config;
    const ids = passages.map((p) => this.vocab.encode(p, S));
    const flat = padBatch(ids, S);
    const mask = tf.tensor2d(Float32Array.from(flat, (id) => (id === PAD ? 0 : 1)), [passages.length, S]);
    let x = this.embed(flat, passages.length, S);
    const bias = paddingBias(mask);
    for (let l = 0; l < encoderLayers; l++) {
      x = attentionBlock(this.params, `enc${l}.self`, this.config, x, undefined, bias);
      x = feedForwardBlock(this.params, `enc${l}.ffn`, x);
    }
    // The source mask rides along as the last channel so decode() can rebuild the padding bias.
    return tf.concat([layerNorm(this.params, 'enc.ln', x), mask.reshape([passages.length, S, 1])], 2);
  }

  /** Logits [B, T, vocab] for decoder inputs `ids` (row-major [B, T]). */
  private decode(memoryWithMask: tf.Tensor, ids: Int32Array, T: number): tf.Tensor {
    const { dModel: d, decoderLayers, vocabSize } = this.config;
    const [b, s] = memoryWithMask.shape as [number, number, number];
    const memory = memoryWithMask.slice([0, 0, 0], [b, s, d]);
    const sourceBias = paddingBias(memoryWithMask.slice([0, 0, d], [b, s, 1]).reshape([b, s]) as tf.Tensor2D);
    let y = this.embed(ids, b, T);
    const causal = causalBias(T);
    for (let l = 0; l < decoderLayers; l++) {
      y = attentionBlock(this.params, `dec${l}.self`, this.config, y, undefined, causal);
      y = attentionBlock(this.params, `dec${l}.cross`, this.config, y, memory, sourceBias);
      y = feedForwardBlock(this.params, `dec${l}.ffn`, y);
    }
    const h = layerNorm(this.params, 'dec.ln', y).reshape([b * T, d]);
    // Output layer tied to the input embedding (Press & Wolf 2017).
    return tf.matMul(h, this.params.get('embedding')!.transpose()).reshape([b, T, vocabSize]);
  }

  private embed(ids: Int32Array, b: number, length: number): tf.Tensor {
    const d = this.config.dModel;
    const table = this.params.get('embedding')! as tf.Tensor as tf.Tensor2D;
    return embeddingLookup(table, ids, [b, length]).mul(Math.sqrt(d)).add(sinusoid(length, d));
  }
}

/** Sinusoidal position encodings [L, d] (Vaswani et al. 2017, §3.5). */
function sinusoid(length: number, d: number): tf.Tensor2D {
  const out = new Float32Array(length * d);
  for (let p = 0; p < length; p++) {
    for (let i = 0; i < d; i += 2) {
      const angle = p / 10000 ** (i / d);
      out[p * d + i] = Math.sin(angle);
      if (i + 1 < d) out[p * d + i + 1] = Math.cos(angle);
    }
  }
  return tf.tensor2d(out, [length, d]);
}

function sampleTopK(logits: Float32Array, k: number, random: () => number): number {
  const best: number[] = [];
  for (let i = 0; i < logits.length; i++) {
    if (i === PAD || i === BOS) continue;
    if (best.length < k) best.push(i);
    else if (logits[i]! > logits[best[best.length - 1]!]!) best[best.length - 1] = i;
    else continue;
    best.sort((a, b) => logits[b]! - logits[a]!);
  }
  const max = logits[best[0]!]!;
  const weights = best.map((i) => Math.exp(logits[i]! - max));
  let r = random() * weights.reduce((a, b) => a + b, 0);
  for (let j = 0; j < best.length; j++) if ((r -= weights[j]!) <= 0) return best[j]!;
  return best[best.length - 1]!;
}

