// Parrotron (Biadsy et al., Interspeech 2019), scaled down: an encoder over stacked input log-mel frames
// (dense + bidirectional LSTM), a spectrogram decoder with location-sensitive attention that predicts
// `reduction` target frames and a stop logit per step (Tacotron 2 style, prenet on the previous frame), and
// an auxiliary phoneme decoder with its own attention over the same encoder (the paper's multitask head).
import { tf } from '../../ml/backend.js';
import { seededRandom } from '../../ml/seeded-random.js';
import { createLstmWeights, lstmSequence, lstmStep, zeroState, type LstmState, type LstmWeights } from '../../speech/model/lstm.js';
import { attend, attentionKeys, createLocationAttention, initialAttention, type AttentionState, type LocationAttention } from './location-attention.js';
import { applyDense, applyDense3d, dense, ParamStore, type Dense } from './params.js';

export interface ParrotronConfig {
  melBins: number;
  /** Input frames stacked into one encoder step (10 ms → stack·10 ms). */
  stack: number;
  encoderUnits: number; // per direction
  prenetUnits: number;
  decoderUnits: number;
  attentionUnits: number;
  locationFilters: number;
  locationKernel: number;
  /** Target frames predicted per decoder step. */
  reduction: number;
  phonemeUnits: number;
  /** Phoneme vocabulary; index 0 of the decoder's outputs is the start/end symbol. */
  phonemes: string[];
}

export const DEFAULT_PARROTRON_CONFIG: Omit<ParrotronConfig, 'phonemes'> = {
  melBins: 80, stack: 4, encoderUnits: 96, prenetUnits: 64, decoderUnits: 128, attentionUnits: 64,
  locationFilters: 8, locationKernel: 15, reduction: 4, phonemeUnits: 64,
};

export interface Batch {
  input: tf.Tensor3D; // [B, Tx, mel] normalized, Tx a multiple of stack
  inputMask: tf.Tensor2D; // [B, Tx / stack]
  target: tf.Tensor3D; // [B, Ty, mel] normalized, Ty a multiple of reduction
  targetMask: tf.Tensor2D; // [B, Ty / reduction] decoder steps
  stop: tf.Tensor2D; // [B, Ty / reduction] 1 on the last real step
  phonemesIn: tf.Tensor2D; // [B, P] int32, start symbol first
  phonemesOut: tf.Tensor2D; // [B, P] int32, end symbol last
  phonemeMask: tf.Tensor2D; // [B, P]
}

export interface Forward {
  mel: tf.Tensor3D;
  stopLogits: tf.Tensor2D;
  alignments: tf.Tensor3D; // [B, decoder steps, encoder steps]
  phonemeLogits: tf.Tensor3D;
  phonemeAlignments: tf.Tensor3D;
}

export class ParrotronModel {
  readonly store: ParamStore;
  private readonly inputProjection: Dense;
  private readonly forward_: LstmWeights;
  private readonly backward: LstmWeights;
  private readonly prenet: [Dense, Dense];
  private readonly decoder: LstmWeights;
  private readonly attention: LocationAttention;
  private readonly frameOutput: Dense;
  private readonly phonemeDecoder: LstmWeights;
  private readonly phonemeAttention: LocationAttention;
  private readonly phonemeOutput: Dense;

  /** `seed` fixes the initial weights: the same seed builds the same model. */
  constructor(readonly config: ParrotronConfig, seed = 1) {
    const c = config;
    this.store = new ParamStore(seededRandom(seed));
    const s = this.store;
    const memory = 2 * c.encoderUnits;
    const symbols = c.phonemes.length + 1;
    this.inputProjection = dense(s, 'encoder/input', c.stack * c.melBins, c.encoderUnits);
    this.forward_ = lstm(s, 'encoder/forward', c.encoderUnits, c.encoderUnits);
    this.backward = lstm(s, 'encoder/backward', c.encoderUnits, c.encoderUnits);
    this.prenet = [dense(s, 'decoder/prenet1', c.melBins, c.prenetUnits), dense(s, 'decoder/prenet2', c.prenetUnits, c.prenetUnits)];
    this.decoder = lstm(s, 'decoder/lstm', c.prenetUnits + memory, c.decoderUnits);
    this.attention = createLocationAttention(s, 'decoder/attention', c.decoderUnits, memory, c.attentionUnits, c.locationFilters, c.locationKernel);
    this.frameOutput = dense(s, 'decoder/output', c.decoderUnits + memory, c.reduction * c.melBins + 1);
    this.phonemeDecoder = lstm(s, 'phonemes/lstm', symbols + memory, c.phonemeUnits);
    this.phonemeAttention = createLocationAttention(s, 'phonemes/attention', c.phonemeUnits, memory, c.attentionUnits, c.locationFilters, c.locationKernel);
    this.phonemeOutput = dense(s, 'phonemes/output', c.phonemeUnits + memory, symbols);
  }

  /** Input [B, Tx, mel] (Tx a multiple of stack) → memory [B, Tx/stack, 2·encoderUnits]. */
  encode(input: tf.Tensor3D): tf.Tensor3D {
    const [B, T, M] = input.shape;
    const stacked = input.reshape([B, T / this.config.stack, this.config.stack * M]) as tf.Tensor3D;
    const projected = applyDense3d(this.inputProjection, stacked).relu() as tf.Tensor3D;
    const fwd = lstmSequence(this.forward_, projected).outputs;
    const bwd = lstmSequence(this.backward, projected.reverse(1)).outputs.reverse(1);
    return tf.concat([fwd, bwd], 2);
  }

  private prenetApply(frame: tf.Tensor2D, training: boolean): tf.Tensor2D {
    let x = frame;
    for (const layer of this.prenet) {
      x = applyDense(layer, x).relu() as tf.Tensor2D;
      // Tacotron's prenet dropout: keeps the decoder from copying the previous frame instead of attending.
      if (training) x = tf.dropout(x, 0.5) as tf.Tensor2D;
    }
    return x;
  }

  /** One spectrogram-decoder step. */
  melStep(prevFrame: tf.Tensor2D, state: DecoderState, keys: tf.Tensor3D, memory: tf.Tensor3D, mask: tf.Tensor2D, training: boolean): { frames: tf.Tensor2D; stopLogit: tf.Tensor2D; state: DecoderState } {
    const x = tf.concat([this.prenetApply(prevFrame, training), state.context], 1);
    const lstmState = lstmStep(this.decoder, x, state.lstm);
    const { context, state: attention } = attend(this.attention, lstmState.h, keys, memory, mask, state.attention);
    const out = applyDense(this.frameOutput, tf.concat([lstmState.h, context], 1));
    const R = this.config.reduction * this.config.melBins;
    return { frames: out.slice([0, 0], [-1, R]), stopLogit: out.slice([0, R], [-1, 1]), state: { lstm: lstmState, attention, context } };
  }

  /** One phoneme-decoder step from the previous symbol ids [B]. */
  phonemeStep(prev: tf.Tensor1D, state: DecoderState, keys: tf.Tensor3D, memory: tf.Tensor3D, mask: tf.Tensor2D): { logits: tf.Tensor2D; state: DecoderState } {
    const x = tf.concat([tf.oneHot(prev, this.config.phonemes.length + 1).toFloat(), state.context], 1) as tf.Tensor2D;
    const lstmState = lstmStep(this.phonemeDecoder, x, state.lstm);
    const { context, state: attention } = attend(this.phonemeAttention, lstmState.h, keys, memory, mask, state.attention);
    return { logits: applyDense(this.phonemeOutput, tf.concat([lstmState.h, context], 1)), state: { lstm: lstmState, attention, context } };
  }

  initialState(memory: tf.Tensor3D, mask: tf.Tensor2D, units: number): DecoderState {
    const B = memory.shape[0];
    return { lstm: zeroState(B, units), attention: initialAttention(mask), context: tf.zeros([B, memory.shape[2]]) };
  }

  melKeys = (memory: tf.Tensor3D) => attentionKeys(this.attention, memory);
  phonemeKeys = (memory: tf.Tensor3D) => attentionKeys(this.phonemeAttention, memory);

  /** Teacher-forced pass over a batch (training and the alignment test). */
  forward(batch: Batch, training: boolean): Forward {
    const { melBins, reduction, decoderUnits, phonemeUnits } = this.config;
    const memory = this.encode(batch.input);
    const [B, Ty] = batch.target.shape;
    const steps = Ty / reduction;
    // Decoder input of step d: the last frame of target group d − 1 (zeros before the first).
    const groups = batch.target.reshape([B, steps, reduction * melBins]);
    const lastFrames = groups.slice([0, 0, (reduction - 1) * melBins], [-1, -1, melBins]);
    const previous = tf.concat([tf.zeros([B, 1, melBins]), lastFrames.slice([0, 0, 0], [-1, steps - 1, -1])], 1);
    const keys = this.melKeys(memory);
    let state = this.initialState(memory, batch.inputMask, decoderUnits);
    const frames: tf.Tensor2D[] = [];
    const stops: tf.Tensor2D[] = [];
    const align: tf.Tensor2D[] = [];
    const prevFrames = tf.unstack(previous, 1) as tf.Tensor2D[];
    for (let d = 0; d < steps; d++) {
      const step = this.melStep(prevFrames[d], state, keys, memory, batch.inputMask, training);
      frames.push(step.frames);
      stops.push(step.stopLogit);
      align.push(step.state.attention.weights);
      state = step.state;
    }
    const phonemeKeys = this.phonemeKeys(memory);
    let pState = this.initialState(memory, batch.inputMask, phonemeUnits);
    const logits: tf.Tensor2D[] = [];
    const pAlign: tf.Tensor2D[] = [];
    for (const prev of tf.unstack(batch.phonemesIn, 1) as tf.Tensor1D[]) {
      const step = this.phonemeStep(prev, pState, phonemeKeys, memory, batch.inputMask);
      logits.push(step.logits);
      pAlign.push(step.state.attention.weights);
      pState = step.state;
    }
    return {
      mel: tf.stack(frames, 1).reshape([B, Ty, melBins]) as tf.Tensor3D,
      stopLogits: tf.concat(stops, 1) as tf.Tensor2D,
      alignments: tf.stack(align, 1) as tf.Tensor3D,
      phonemeLogits: tf.stack(logits, 1) as tf.Tensor3D,
      phonemeAlignments: tf.stack(pAlign, 1) as tf.Tensor3D,
    };
  }

  dispose(): void {
    this.store.dispose();
  }
}

export interface DecoderState {
  lstm: LstmState;
  attention: AttentionState;
  context: tf.Tensor2D;
}

function lstm(store: ParamStore, name: string, input: number, units: number): LstmWeights {
  // Built by speech's LSTM (forget bias 1) and adopted into the named store so checkpoints include it.
  const w = createLstmWeights(input, units, store.random);
  for (const [key, v] of Object.entries(w)) store.vars.set(`${name}/${key}`, v as tf.Variable);
  return w;
}
