// Frame-synchronous transducer decoding over encoder outputs as they stream in. Greedy: at each encoder
// frame take the joint's argmax, advancing the prediction network on every non-blank, up to
// `maxSymbolsPerFrame` labels before moving on. Beam: the same expansion kept over a beam of label
// sequences (Graves 2012 §2.3 restricted, like ESPnet's and k2's time-synchronous variants, to a bounded
// number of labels per frame); hypotheses that reach the same labels are merged by adding probabilities.
// Prediction-network outputs are cached per label prefix; all tensors are freed by `dispose`.
import { tf } from '../../ml/backend.js';
import { zeroState, type LstmState } from './lstm.js';
import type { RnntModel } from './rnnt-model.js';
import { BLANK, decodeIds } from './vocabulary.js';

export interface Hypothesis {
  labels: number[];
  /** Encoder frame index (within the stream) at which each label was emitted. */
  frames: number[];
  /** Log-probability of the label path (beam) / sum of chosen labels' log-probabilities (greedy). */
  score: number;
}

interface PredictionEntry {
  out: tf.Tensor2D; // [1, J]
  state: LstmState;
}

export interface SearchOptions {
  beamWidth: number;
  maxSymbolsPerFrame: number;
}

export class TransducerSearch {
  private hyps: Hypothesis[] = [{ labels: [], frames: [], score: 0 }];
  private readonly cache = new Map<string, PredictionEntry>();
  /** Encoder frames consumed so far in this stream. */
  framesSeen = 0;
  /** Consecutive frames (ending now) in which the best hypothesis emitted nothing. */
  trailingBlankFrames = 0;

  constructor(private readonly model: RnntModel, private readonly options: SearchOptions) {}

  get best(): Hypothesis {
    return this.hyps[0];
  }

  /** Hypotheses best first, with texts and beam-normalized confidences. */
  alternatives(max: number): { hyp: Hypothesis; text: string; confidence: number }[] {
    const top = this.hyps.slice(0, Math.max(1, max));
    if (this.options.beamWidth <= 1) {
      // Greedy: geometric-mean probability of the emitted labels (1 for an empty hypothesis).
      const h = this.hyps[0];
      return [{ hyp: h, text: decodeIds(h.labels), confidence: h.labels.length ? Math.exp(h.score / h.labels.length) : 1 }];
    }
    const m = Math.max(...this.hyps.map((h) => h.score));
    const total = this.hyps.reduce((s, h) => s + Math.exp(h.score - m), 0);
    return top.map((h) => ({ hyp: h, text: decodeIds(h.labels), confidence: Math.exp(h.score - m) / total }));
  }

  /** Consume encoder outputs [m, J]. */
  advance(encoded: tf.Tensor2D): void {
    const m = encoded.shape[0];
    for (let t = 0; t < m; t++) {
      const frame = tf.tidy(() => encoded.slice([t, 0], [1, encoded.shape[1]]));
      const before = this.best.labels.length;
      if (this.options.beamWidth <= 1) this.greedyFrame(frame);
      else this.beamFrame(frame);
      frame.dispose();
      this.trailingBlankFrames = this.best.labels.length === before ? this.trailingBlankFrames + 1 : 0;
      this.framesSeen++;
      this.pruneCache();
    }
  }

  /** Start a new utterance: the prediction network restarts from blank; the encoder state is the caller's. */
  resetHypotheses(): void {
    this.hyps = [{ labels: [], frames: [], score: 0 }];
    this.trailingBlankFrames = 0;
    this.pruneCache();
  }

  private greedyFrame(frame: tf.Tensor2D): void {
    const h = this.hyps[0];
    for (let s = 0; s < this.options.maxSymbolsPerFrame; s++) {
      const pred = this.prediction(h.labels);
      const logProbs = tf.tidy(() => this.model.jointLogProbs(frame, pred.out));
      const lp = logProbs.dataSync();
      logProbs.dispose();
      let k = 0;
      for (let i = 1; i < lp.length; i++) if (lp[i] > lp[k]) k = i;
      if (k === BLANK) break;
      h.labels.push(k);
      h.frames.push(this.framesSeen);
      h.score += lp[k];
    }
  }

  private beamFrame(frame: tf.Tensor2D): void {
    const W = this.options.beamWidth;
    const ended = new Map<string, Hypothesis>(); // hypotheses that emitted blank in this frame
    let active = this.hyps;
    for (let s = 0; s < this.options.maxSymbolsPerFrame && active.length > 0; s++) {
      const preds = active.map((h) => this.prediction(h.labels).out);
      const logProbs = tf.tidy(() => this.model.jointLogProbs(frame, tf.concat(preds, 0)));
      const lp = logProbs.arraySync();
      logProbs.dispose();
      const expanded: Hypothesis[] = [];
      active.forEach((h, i) => {
        addMerged(ended, { labels: h.labels, frames: h.frames, score: h.score + lp[i][BLANK] });
        const order = lp[i].map((v, k) => [v, k] as const).filter(([, k]) => k !== BLANK).sort((a, b) => b[0] - a[0]).slice(0, W);
        for (const [v, k] of order) expanded.push({ labels: [...h.labels, k], frames: [...h.frames, this.framesSeen], score: h.score + v });
      });
      const floor = ended.size >= W ? [...ended.values()].map((h) => h.score).sort((a, b) => b - a)[W - 1] : -Infinity;
      active = expanded.sort((a, b) => b.score - a.score).slice(0, W).filter((h) => h.score > floor);
    }
    // Like greedy, a hypothesis that used up the frame's labels moves on to the next frame without a blank
    // (dropping it lost every word that needs that many labels in one 60 ms frame, e.g. "eigh|t").
    for (const h of active) addMerged(ended, h);
    this.hyps = [...ended.values()].sort((a, b) => b.score - a.score).slice(0, W);
  }

  /** Prediction-network output after `labels` (blank-started), computed once per prefix. */
  private prediction(labels: number[]): PredictionEntry {
    const key = labels.join(',');
    let entry = this.cache.get(key);
    if (entry) return entry;
    const parentState = labels.length === 0 ? undefined : this.prediction(labels.slice(0, -1)).state;
    const [out, h, c] = tf.tidy(() => {
      const state = parentState ?? zeroState(1, this.model.config.predictionUnits);
      const r = this.model.predictStep(new Int32Array([labels.length === 0 ? BLANK : labels[labels.length - 1]]), state);
      return [r.out, r.state.h, r.state.c];
    }) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    entry = { out, state: { h, c } };
    this.cache.set(key, entry);
    return entry;
  }

  /** Keep only the cache entries the live hypotheses still extend (their own prefix). */
  private pruneCache(): void {
    const live = new Set(this.hyps.map((h) => h.labels.join(',')));
    for (const [key, entry] of this.cache) {
      if (live.has(key)) continue;
      disposeEntry(entry);
      this.cache.delete(key);
    }
  }

  dispose(): void {
    for (const entry of this.cache.values()) disposeEntry(entry);
    this.cache.clear();
  }
}

function disposeEntry(e: PredictionEntry): void {
  e.out.dispose();
  e.state.h.dispose();
  e.state.c.dispose();
}

function addMerged(into: Map<string, Hypothesis>, h: Hypothesis): void {
  const key = h.labels.join(',');
  const other = into.get(key);
  if (!other) {
    into.set(key, h);
    return;
  }
  const m = Math.max(other.score, h.score);
  const merged = m + Math.log(Math.exp(other.score - m) + Math.exp(h.score - m));
  into.set(key, { ...(h.score > other.score ? h : other), score: merged });
}
