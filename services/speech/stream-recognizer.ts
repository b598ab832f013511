// One recognition stream, independent of RPC types: bytes in (LINEAR16 or WAV), recognition events out.
// Audio → 16 kHz → incremental log-mel → global normalization → streaming encoder → transducer search.
// An utterance ends (endpointing) when the best hypothesis is non-empty, has emitted nothing for
// `endpointSilenceMs`, and the audio over that span is quiet relative to the utterance's loudest frames;
// the search then restarts while the encoder keeps its state. Interim results carry a stability estimate:
// the confidence of the top hypothesis (beam share, or per-label geometric-mean probability for greedy).
import { StreamingAudioDecoder, type AudioEncodingName } from '../ml/audio/audio-input.js';
import { StreamingLogMel, DEFAULT_LOG_MEL } from '../ml/audio/log-mel.js';
import { tf } from '../ml/backend.js';
import type { LoadedModel } from './model/checkpoint.js';
import { framesPerEncoderStep } from './model/rnnt-model.js';
import { StreamingEncoder } from './model/streaming-encoder.js';
import { TransducerSearch, type Hypothesis } from './model/transducer-search.js';
import { SYMBOLS } from './model/vocabulary.js';

export interface RecognizerOptions {
  beamWidth: number;
  maxAlternatives: number;
  interimResults: boolean;
  wordTimeOffsets: boolean;
  endpointSilenceMs: number;
  maxSymbolsPerFrame: number;
}

/** Beam 4 is the default: 4 points better than greedy on AN4 dev at 1.7× its CPU (services/speech/README.md). */
export const DEFAULT_RECOGNIZER_OPTIONS: RecognizerOptions = {
  beamWidth: 4,
  maxAlternatives: 1,
  interimResults: true,
  wordTimeOffsets: false,
  endpointSilenceMs: 800,
  maxSymbolsPerFrame: 4,
};

/** A drop of this many nats of mean log-mel energy below the utterance's peak counts as silence (~17 dB). */
const SILENCE_DROP = 4;

export interface WordTiming { word: string; startMs: number; endMs: number }
export interface Alternative { transcript: string; confidence: number; words: WordTiming[] }

export interface RecognitionEvent {
  isFinal: boolean;
  alternatives: Alternative[];
  stability: number;
  endMs: number;
  utteranceIndex: number;
}

export class StreamRecognizer {
  private readonly decoder: StreamingAudioDecoder;
  private readonly features = new StreamingLogMel(DEFAULT_LOG_MEL);
  private encoder: StreamingEncoder;
  private readonly search: TransducerSearch;
  private readonly frameMs: number;
  private readonly energies: number[] = []; // mean raw log-mel per 10 ms frame of the current utterance
  private utteranceIndex = 0;
  private lastInterim = '';
  private closed = false;

  constructor(private readonly loaded: LoadedModel, encoding: AudioEncodingName, sampleRate: number, readonly options: RecognizerOptions = DEFAULT_RECOGNIZER_OPTIONS) {
    this.decoder = new StreamingAudioDecoder(encoding, sampleRate);
    this.encoder = new StreamingEncoder(loaded.model);
    this.search = new TransducerSearch(loaded.model, options);
    this.frameMs = framesPerEncoderStep(loaded.model.config) * (1000 * DEFAULT_LOG_MEL.hopSamples) / DEFAULT_LOG_MEL.sampleRate;
  }

  /** Milliseconds of source audio received. */
  get audioMs(): number {
    const rate = this.decoder.sourceRate;
    return rate ? (1000 * this.decoder.sourceSamples) / rate : 0;
  }

  /** Feed one chunk of encoded audio. Throws AudioFormatError on malformed bytes. */
  push(chunk: Uint8Array): RecognitionEvent[] {
    this.ensureOpen();
    const frames = this.features.push(this.decoder.push(chunk));
    return this.consume(frames, false);
  }

  /** The client finished sending: decode the tail and return the last final result (if any speech). */
  finish(): RecognitionEvent[] {
    this.ensureOpen();
    const frames = this.features.push(this.decoder.flush());
    const events = this.consume(frames, true);
    const last = this.finalize();
    if (last) events.push(last);
    return events;
  }

  /** Free the stream's recurrent state and cached prediction states. Safe to call twice. */
  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.encoder.dispose();
    this.search.dispose();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private ensureOpen(): void {
    if (this.closed) throw new Error('recognition stream is closed');
  }

  private consume(raw: Float32Array, final: boolean): RecognitionEvent[] {
    const { mean, std } = this.loaded.normalizer;
    const bins = mean.length;
    const normalized = new Float32Array(raw.length);
    for (let i = 0; i < raw.length; i++) normalized[i] = (raw[i] - mean[i % bins]) / std[i % bins];
    const events: RecognitionEvent[] = [];
    // One encoder step (60 ms) at a time, so an endpoint can restart the encoder exactly where it fires.
    const step = framesPerEncoderStep(this.loaded.model.config) * bins;
    for (let offset = 0; offset < normalized.length; offset += step) {
      for (let f = offset; f < Math.min(raw.length, offset + step); f += bins) {
        let e = 0;
        for (let k = 0; k < bins; k++) e += raw[f + k];
        this.energies.push(e / bins);
      }
      const encoded = this.encoder.push(normalized.subarray(offset, offset + step));
      events.push(...this.decode(encoded));
    }
    if (final) events.push(...this.decode(this.encoder.flush()));
    if (this.options.interimResults && !final) {
      const [top] = this.search.alternatives(1);
      if (top.text && top.text !== this.lastInterim) {
        this.lastInterim = top.text;
        events.push(this.event(false));
      }
    }
    return events;
  }

  /** Advance the search over encoder outputs (disposed here); an endpoint finalizes the utterance. */
  private decode(encoded: tf.Tensor2D): RecognitionEvent[] {
    const events: RecognitionEvent[] = [];
    if (encoded.shape[0] > 0) {
      this.search.advance(encoded);
      if (this.isEndpoint()) {
        const event = this.finalize();
        if (event) events.push(event);
        // The next utterance starts from a fresh encoder state, as every training utterance did.
        this.encoder.dispose();
        this.encoder = new StreamingEncoder(this.loaded.model);
      }
    }
    encoded.dispose();
    return events;
  }

  private isEndpoint(): boolean {
    const silentFrames = Math.round(this.options.endpointSilenceMs / this.frameMs);
    if (this.search.best.labels.length === 0 || this.search.trailingBlankFrames < silentFrames) return false;
    const window = Math.round(this.options.endpointSilenceMs / 10);
    const recent = this.energies.slice(-window);
    const peak = Math.max(...this.energies);
    return recent.reduce((s, e) => s + e, 0) / recent.length < peak - SILENCE_DROP;
  }

  private finalize(): RecognitionEvent | undefined {
    if (this.search.best.labels.length === 0) return undefined;
    const event = this.event(true);
    this.search.resetHypotheses();
    this.energies.length = 0;
    this.lastInterim = '';
    this.utteranceIndex++;
    return event;
  }

  private event(isFinal: boolean): RecognitionEvent {
    const alternatives = this.search.alternatives(isFinal ? this.options.maxAlternatives : 1).map(({ hyp, text, confidence }) => ({
      transcript: text.trim(),
      confidence,
      words: this.options.wordTimeOffsets ? this.wordTimings(hyp) : [],
    }));
    return {
      isFinal,
      alternatives,
      stability: isFinal ? 0 : alternatives[0].confidence,
      endMs: this.search.framesSeen * this.frameMs,
      utteranceIndex: this.utteranceIndex,
    };
  }

  /** Words from the label path: a word spans its first to its last character's emission frame. */
  private wordTimings(hyp: Hypothesis): WordTiming[] {
    const words: WordTiming[] = [];
    let current: { chars: string[]; first: number; last: number } | undefined;
    hyp.labels.forEach((id, i) => {
      const symbol = SYMBOLS[id - 1];
      if (symbol === ' ') {
        if (current) words.push(this.toWord(current));
        current = undefined;
        return;
      }
      current ??= { chars: [], first: hyp.frames[i], last: hyp.frames[i] };
      current.chars.push(symbol);
      current.last = hyp.frames[i];
    });
    if (current) words.push(this.toWord(current));
    return words;
  }

  private toWord(w: { chars: string[]; first: number; last: number }): WordTiming {
    return { word: w.chars.join(''), startMs: w.first * this.frameMs, endMs: (w.last + 1) * this.frameMs };
  }
}

/** Recognize a whole clip: every final result, in order. */
export function recognizeClip(loaded: LoadedModel, audio: Uint8Array, encoding: AudioEncodingName, sampleRate: number, options: RecognizerOptions): { results: RecognitionEvent[]; audioMs: number } {
  const recognizer = new StreamRecognizer(loaded, encoding, sampleRate, { ...options, interimResults: false });
  try {
    const results = [...recognizer.push(audio), ...recognizer.finish()].filter((e) => e.isFinal);
    return { results, audioMs: recognizer.audioMs };
  } finally {
    recognizer.dispose();
  }
}
