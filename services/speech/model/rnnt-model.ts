// The RNN transducer of He et al. 2019 ("Streaming End-to-end Speech Recognition for Mobile Devices"),
// scaled to this machine: an encoder of unidirectional LSTMs over stacked log-mel frames with a time-reduction
// layer (concatenate adjacent outputs, halving the frame rate) after the first layer; a prediction network
// (embedding + LSTM) over the previous non-blank labels; and a joint network tanh(W_e·enc + W_p·pred) → V
// logits (Graves 2012 §2, the additive joint of Graves et al. 2013).
import { tf } from '../../ml/backend.js';
import { glorotUniform } from '../../ml/seeded-init.js';
import { seededRandom, type Random } from '../../ml/seeded-random.js';
import { createLstmWeights, lstmSequence, type LstmState, type LstmWeights } from './lstm.js';
import { BLANK, VOCAB_SIZE } from './vocabulary.js';

export interface RnntConfig {
  melBins: number;
  /** Log-mel frames stacked into one encoder input (and the input stride). */
  stack: number;
  /** Time-reduction factor after the first encoder layer. */
  reduction: number;
  encoderLayers: number;
  encoderUnits: number;
  embeddingSize: number;
  predictionUnits: number;
  jointUnits: number;
  vocabSize: number;
}

export const DEFAULT_RNNT_CONFIG: RnntConfig = {
  melBins: 80,
  stack: 3,
  reduction: 2,
  encoderLayers: 2,
  encoderUnits: 256,
  embeddingSize: 64,
  predictionUnits: 256,
  jointUnits: 256,
  vocabSize: VOCAB_SIZE,
};

/**
 * Training-time dropout on the non-recurrent connections (Zaremba et al. 2014): every LSTM layer's outputs, in the
 * encoder and the prediction network. `random` seeds each mask, so a seeded run stays reproducible.
 */
export interface Dropout {
  rate: number;
  random: Random;
}

function drop<T extends tf.Tensor>(x: T, dropout: Dropout | undefined): T {
  return dropout && dropout.rate > 0 ? (tf.dropout(x, dropout.rate, undefined, Math.floor(dropout.random() * 2 ** 31)) as T) : x;
}

/** Log-mel frames (10 ms) per encoder output frame. */
export const framesPerEncoderStep = (c: RnntConfig) => c.stack * c.reduction;

export class RnntModel {
  readonly encoder: LstmWeights[] = [];
  readonly prediction: LstmWeights;
  readonly params = new Map<string, tf.Variable>();

  /** `seed` fixes the initial weights: the same seed builds the same model. */
  constructor(readonly config: RnntConfig = DEFAULT_RNNT_CONFIG, seed = 1) {
    const c = config;
    const random = seededRandom(seed);
    for (let l = 0; l < c.encoderLayers; l++) {
      const input = l === 0 ? c.melBins * c.stack : l === 1 ? c.encoderUnits * c.reduction : c.encoderUnits;
      this.encoder.push(this.addLstm(`encoder/lstm${l}`, createLstmWeights(input, c.encoderUnits, random)));
    }
    this.add('prediction/embedding', glorotUniform([c.vocabSize, c.embeddingSize], random));
    this.prediction = this.addLstm('prediction/lstm', createLstmWeights(c.embeddingSize, c.predictionUnits, random));
    this.add('joint/encoder', glorotUniform([c.encoderUnits, c.jointUnits], random));
    this.add('joint/prediction', glorotUniform([c.predictionUnits, c.jointUnits], random));
    this.add('joint/bias', tf.zeros([c.jointUnits]));
    this.add('joint/output', glorotUniform([c.jointUnits, c.vocabSize], random));
    this.add('joint/output_bias', tf.zeros([c.vocabSize]));
  }

  private add(name: string, value: tf.Tensor): tf.Variable {
    // Unnamed: tfjs variable names are process-global, and a service holds fp32 and int8 copies at once.
    const v = tf.variable(value);
    this.params.set(name, v);
    return v;
  }

  private addLstm(name: string, w: LstmWeights): LstmWeights {
    this.params.set(`${name}/kernel`, w.kernel);
    this.params.set(`${name}/recurrent`, w.recurrent);
    this.params.set(`${name}/bias`, w.bias);
    return w;
  }

  p(name: string): tf.Tensor2D {
    return this.params.get(name)! as tf.Tensor2D;
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
  }

  parameterCount(): number {
    let n = 0;
    for (const v of this.params.values()) n += v.size;
    return n;
  }

  /** Replace every parameter's value (shapes must match). */
  setWeights(values: Map<string, tf.Tensor>): void {
    for (const [name, v] of this.params) {
      const value = values.get(name);
      if (!value) throw new Error(`checkpoint lacks parameter ${name}`);
      if (value.shape.join() !== v.shape.join()) throw new Error(`parameter ${name}: shape ${value.shape} vs model ${v.shape}`);
      v.assign(value);
    }
  }

  /** Stack `stack` frames: [B, T, F] → [B, ⌊T/stack⌋, stack·F] (a trailing partial group is dropped). */
  stackFrames(features: tf.Tensor3D): tf.Tensor3D {
    const [B, T, F] = features.shape;
    const s = this.config.stack;
    const groups = Math.floor(T / s);
    return features.slice([0, 0, 0], [B, groups * s, F]).reshape([B, groups, s * F]);
  }

  /** Concatenate `reduction` adjacent frames, zero-padding the tail: [B, T, H] → [B, ⌈T/r⌉, r·H]. */
  reduceTime(x: tf.Tensor3D): tf.Tensor3D {
    const [B, T, H] = x.shape;
    const r = this.config.reduction;
    const padded = T % r === 0 ? x : x.pad([[0, 0], [0, r - (T % r)], [0, 0]]);
    return padded.reshape([B, Math.ceil(T / r), r * H]);
  }

  /** Whole-utterance encoder: normalized features [B, T, melBins] → joint-space encodings [B, T', J]. */
  encode(features: tf.Tensor3D, dropout?: Dropout): tf.Tensor3D {
    let x = this.stackFrames(features);
    this.encoder.forEach((w, l) => {
      x = drop(lstmSequence(w, x).outputs, dropout);
      if (l === 0) x = this.reduceTime(x);
    });
    return this.projectEncoder(x);
  }

  projectEncoder(x: tf.Tensor3D): tf.Tensor3D {
    const [B, T, H] = x.shape;
    return x.reshape([B * T, H]).matMul(this.p('joint/encoder')).reshape([B, T, this.config.jointUnits]);
  }

  /** Embed labels [N] as one-hot · table (gather's gradient has no wasm kernel). */
  embed(labels: tf.Tensor1D): tf.Tensor2D {
    return tf.oneHot(labels, this.config.vocabSize).toFloat().matMul(this.p('prediction/embedding')) as tf.Tensor2D;
  }

  /** Prediction network over [blank, y1..yU] for padded label rows [B][U] → [B, U+1, J]. */
  predict(labels: readonly (readonly number[])[], dropout?: Dropout): tf.Tensor3D {
    const B = labels.length;
    const U = Math.max(0, ...labels.map((l) => l.length));
    const ids = new Int32Array(B * (U + 1)).fill(BLANK);
    labels.forEach((l, b) => ids.set(l, b * (U + 1) + 1));
    const emb = this.embed(tf.tensor1d(ids, 'int32')).reshape([B, U + 1, this.config.embeddingSize]) as tf.Tensor3D;
    const out = drop(lstmSequence(this.prediction, emb).outputs, dropout);
    return this.projectPrediction(out.reshape([B * (U + 1), this.config.predictionUnits])).reshape([B, U + 1, this.config.jointUnits]);
  }

  projectPrediction(h: tf.Tensor2D): tf.Tensor2D {
    return h.matMul(this.p('joint/prediction')).add(this.p('joint/bias'));
  }

  /** Joint network over every (t, u): [B, T, J] ⊕ [B, U+1, J] → logits [B, T, U+1, V]. */
  joint(enc: tf.Tensor3D, pred: tf.Tensor3D): tf.Tensor4D {
    const [B, T, J] = enc.shape;
    const U1 = pred.shape[1];
    const hidden = enc.expandDims(2).add(pred.expandDims(1)).tanh().reshape([B * T * U1, J]) as tf.Tensor2D;
    return hidden.matMul(this.p('joint/output')).add(this.p('joint/output_bias')).reshape([B, T, U1, this.config.vocabSize]);
  }

  /** Joint for decoding: one encoder frame [1, J] against K prediction outputs [K, J] → log-probs [K, V]. */
  jointLogProbs(encFrame: tf.Tensor2D, pred: tf.Tensor2D): tf.Tensor2D {
    return pred.add(encFrame).tanh().matMul(this.p('joint/output')).add(this.p('joint/output_bias')).logSoftmax() as tf.Tensor2D;
  }

  /** One prediction-network step for labels [K] from states → (projected outputs [K, J], new state). */
  predictStep(labels: Int32Array, state: LstmState): { out: tf.Tensor2D; state: LstmState } {
    const emb = this.embed(tf.tensor1d(labels, 'int32'));
    const next = lstmSequence(this.prediction, emb.expandDims(1) as tf.Tensor3D, state).state;
    return { out: this.projectPrediction(next.h), state: next };
  }
}
