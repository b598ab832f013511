// The encoder run incrementally over a live stream: log-mel frames arrive in any amount; the encoder emits
// an output once it has `stack × reduction` frames (60 ms) — its only look-ahead. LSTM states and the
// partial stacking/reduction groups carry over between pushes; `flush` zero-pads the last reduction pair
// exactly as whole-utterance encoding does, so streaming and batch outputs agree.
import { tf } from '../../ml/backend.js';
import { zeroState, type LstmState, lstmSequence } from './lstm.js';
import type { RnntModel } from './rnnt-model.js';

export class StreamingEncoder {
  private pending: Float32Array;
  private pendingFrames = 0;
  private states: LstmState[];
  /** First-layer outputs waiting for their reduction partner [n < reduction, H]. */
  private unpaired: tf.Tensor2D | undefined;
  private disposed = false;

  constructor(private readonly model: RnntModel) {
    const c = model.config;
    this.pending = new Float32Array(c.stack * c.melBins);
    this.states = model.encoder.map(() => zeroState(1, c.encoderUnits));
  }

  /** Normalized frames [n × melBins] → encoder outputs in joint space [m, J] (m may be 0). Caller disposes. */
  push(frames: Float32Array): tf.Tensor2D {
    if (this.disposed) throw new Error('encoder stream is closed');
    const { stack, melBins } = this.model.config;
    const total = this.pendingFrames + frames.length / melBins;
    const groups = Math.floor(total / stack);
    const joined = new Float32Array(total * melBins);
    joined.set(this.pending.subarray(0, this.pendingFrames * melBins));
    joined.set(frames, this.pendingFrames * melBins);
    this.pending.set(joined.subarray(groups * stack * melBins));
    this.pendingFrames = total - groups * stack;
    if (groups === 0) return tf.zeros([0, this.model.config.jointUnits]);
    return this.run(tf.tensor3d(joined.subarray(0, groups * stack * melBins), [1, groups, stack * melBins]), false);
  }

  /** End of stream: the last unpaired first-layer output, zero-padded like batch encoding. */
  flush(): tf.Tensor2D {
    return this.run(undefined, true);
  }

  private run(input: tf.Tensor3D | undefined, final: boolean): tf.Tensor2D {
    const { reduction, encoderUnits, jointUnits } = this.model.config;
    const old = [...this.states.flatMap((s) => [s.h, s.c]), ...(this.unpaired ? [this.unpaired] : [])];
    const out = tf.tidy(() => {
      let first = this.unpaired ?? tf.zeros([0, encoderUnits]);
      if (input) {
        const r = lstmSequence(this.model.encoder[0], input, this.states[0]);
        this.states[0] = keepState(r.state);
        first = first.concat(r.outputs.squeeze([0]) as tf.Tensor2D, 0);
      }
      let n = first.shape[0];
      if (final && n % reduction !== 0) {
        first = first.pad([[0, reduction - (n % reduction)], [0, 0]]);
        n = first.shape[0];
      }
      const m = Math.floor(n / reduction);
      this.unpaired = n > m * reduction ? tf.keep(first.slice([m * reduction, 0], [n - m * reduction, encoderUnits])) : undefined;
      if (m === 0) return tf.zeros([0, jointUnits]) as tf.Tensor2D;
      let x = first.slice([0, 0], [m * reduction, encoderUnits]).reshape([1, m, reduction * encoderUnits]) as tf.Tensor3D;
      for (let l = 1; l < this.model.encoder.length; l++) {
        const r = lstmSequence(this.model.encoder[l], x, this.states[l]);
        this.states[l] = keepState(r.state);
        x = r.outputs;
      }
      return this.model.projectEncoder(x).squeeze([0]) as tf.Tensor2D;
    });
    input?.dispose();
    for (const t of old) if (!this.isLive(t)) t.dispose();
    return out;
  }

  private isLive(t: tf.Tensor): boolean {
    return t === this.unpaired || this.states.some((s) => s.h === t || s.c === t);
  }

  /** Release the recurrent state (stream ended or cancelled). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const s of this.states) { s.h.dispose(); s.c.dispose(); }
    this.unpaired?.dispose();
    this.unpaired = undefined;
  }
}

function keepState(s: LstmState): LstmState {
  return { h: tf.keep(s.h), c: tf.keep(s.c) };
}
