// The served recognizer, without RPC types: the loaded fp32 and int8 transducers, the open streams (each
// with its own recurrent state, released on end or cancel), and the limits the handlers enforce.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AudioEncodingName } from '../ml/audio/audio-input.js';
import { initBackend } from '../ml/backend.js';
import { loadCheckpoint, type LoadedModel } from './model/checkpoint.js';
import { DEFAULT_RECOGNIZER_OPTIONS, recognizeClip, StreamRecognizer, type RecognizerOptions } from './stream-recognizer.js';

export type Precision = 'fp32' | 'int8';

export interface SpeechLimits {
  /** Largest audio chunk in one streaming request. */
  maxChunkBytes: number;
  /** Largest clip for Recognize. */
  maxClipBytes: number;
  /** A stream that sends nothing for this long is closed. */
  idleTimeoutMs: number;
  /** Streams open at once; more are refused with RESOURCE_EXHAUSTED. */
  maxStreams: number;
  maxBeamWidth: number;
}

export const DEFAULT_LIMITS: SpeechLimits = {
  maxChunkBytes: 256 * 1024,
  maxClipBytes: 10 * 1024 * 1024,
  idleTimeoutMs: 10_000,
  maxStreams: 64,
  maxBeamWidth: 16,
};

export class TooManyStreamsError extends Error {}

export class SpeechEngine {
  private readonly models = new Map<Precision, LoadedModel>();
  private readonly streams = new Set<StreamRecognizer>();

  /** `defaults` overrides DEFAULT_RECOGNIZER_OPTIONS for every request (a request's own settings win). */
  constructor(readonly modelDir: string, readonly defaultPrecision: Precision, readonly limits: SpeechLimits = DEFAULT_LIMITS, private readonly defaults: Partial<RecognizerOptions> = {}) {}

  /** Load `<modelDir>/fp32` and, when present, `<modelDir>/int8`. */
  async load(): Promise<void> {
    await initBackend();
    for (const precision of ['fp32', 'int8'] as const) {
      const dir = join(this.modelDir, precision);
      if (existsSync(dir)) this.models.set(precision, loadCheckpoint(dir));
    }
    if (!this.models.has(this.defaultPrecision)) throw new Error(`no ${this.defaultPrecision} model in ${this.modelDir}`);
  }

  get loaded(): boolean {
    return this.models.size > 0;
  }

  has(precision: Precision): boolean {
    return this.models.has(precision);
  }

  /** Open streams (each holds recurrent state until closed). */
  get activeStreams(): number {
    return this.streams.size;
  }

  options(partial: Partial<RecognizerOptions>): RecognizerOptions {
    return { ...DEFAULT_RECOGNIZER_OPTIONS, ...this.defaults, ...partial };
  }

  openStream(precision: Precision | undefined, encoding: AudioEncodingName, sampleRate: number, options: RecognizerOptions): StreamRecognizer {
    if (this.streams.size >= this.limits.maxStreams) throw new TooManyStreamsError(`${this.streams.size} recognition streams are open (limit ${this.limits.maxStreams})`);
    const recognizer = new StreamRecognizer(this.model(precision), encoding, sampleRate, options);
    this.streams.add(recognizer);
    return recognizer;
  }

  closeStream(recognizer: StreamRecognizer): void {
    recognizer.dispose();
    this.streams.delete(recognizer);
  }

  recognize(precision: Precision | undefined, audio: Uint8Array, encoding: AudioEncodingName, sampleRate: number, options: RecognizerOptions) {
    return recognizeClip(this.model(precision), audio, encoding, sampleRate, options);
  }

  private model(precision: Precision | undefined): LoadedModel {
    const model = this.models.get(precision ?? this.defaultPrecision);
    if (!model) throw new Error(`no ${precision} model loaded`);
    return model;
  }

  close(): void {
    for (const s of this.streams) s.dispose();
    this.streams.clear();
    for (const m of this.models.values()) m.model.dispose();
    this.models.clear();
  }
}
