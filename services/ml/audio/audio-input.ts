// Turns a stream of encoded audio bytes (LINEAR16 at 8/16/48 kHz, or a WAV file arriving in pieces) into
// 16 kHz float samples for the feature front end. Holds back an odd trailing byte only for WAV (where chunk
// boundaries are arbitrary); for LINEAR16 an odd chunk is the client's error.
import { AudioFormatError, decodePcm16, decodeWav, mixToMono, parseWavHeader, type WavHeader } from './wav.js';
import { resample, StreamingResampler } from './resample.js';

export type AudioEncodingName = 'linear16' | 'wav';

export const MODEL_SAMPLE_RATE = 16000;
export const SUPPORTED_SAMPLE_RATES = [8000, 16000, 48000] as const;

export class StreamingAudioDecoder {
  private header: WavHeader | undefined;
  private headerBytes: Uint8Array = new Uint8Array(0);
  private carry: Uint8Array = new Uint8Array(0);
  private resampler: StreamingResampler | undefined;
  /** Samples received at the source rate (mono). */
  sourceSamples = 0;

  /** `sampleRate` may be 0 for WAV (taken from the header); otherwise it must be supported. */
  constructor(readonly encoding: AudioEncodingName, readonly sampleRate: number) {
    if (encoding === 'linear16') {
      checkRate(sampleRate);
      this.resampler = new StreamingResampler(sampleRate, MODEL_SAMPLE_RATE);
    }
  }

  /** The source rate, once known (always for LINEAR16; after the header for WAV). */
  get sourceRate(): number | undefined {
    return this.resampler?.fromRate;
  }

  /** Decode one chunk; returns the 16 kHz samples it completes. Throws AudioFormatError on bad bytes. */
  push(chunk: Uint8Array): Float32Array {
    if (this.encoding === 'linear16') {
      const samples = decodePcm16(chunk);
      this.sourceSamples += samples.length;
      return this.resampler!.push(samples);
    }
    if (!this.header) {
      const joined = concat(this.headerBytes, chunk);
      const header = parseWavHeader(joined);
      if (!header) {
        if (joined.length > 64 * 1024) throw new AudioFormatError('WAV header not found in the first 64 KiB');
        this.headerBytes = joined;
        return new Float32Array(0);
      }
      if (this.sampleRate !== 0 && this.sampleRate !== header.sampleRate) {
        throw new AudioFormatError(`WAV header says ${header.sampleRate} Hz but sample_rate_hertz is ${this.sampleRate}`);
      }
      checkRate(header.sampleRate);
      this.header = header;
      this.headerBytes = new Uint8Array(0);
      this.resampler = new StreamingResampler(header.sampleRate, MODEL_SAMPLE_RATE);
      chunk = joined.subarray(header.dataOffset);
    }
    const frameBytes = 2 * this.header.channels;
    const bytes = concat(this.carry, chunk);
    const usable = bytes.length - (bytes.length % frameBytes);
    this.carry = bytes.slice(usable);
    const samples = mixToMono(decodePcm16(bytes.subarray(0, usable)), this.header.channels);
    this.sourceSamples += samples.length;
    return this.resampler!.push(samples);
  }

  /** End of stream: the resampler's tail. */
  flush(): Float32Array {
    return this.resampler ? this.resampler.flush() : new Float32Array(0);
  }
}

export function checkRate(rate: number): void {
  if (!(SUPPORTED_SAMPLE_RATES as readonly number[]).includes(rate)) {
    throw new AudioFormatError(`sample rate ${rate} Hz is not supported (use ${SUPPORTED_SAMPLE_RATES.join(', ')})`);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** A whole WAV file (any supported layout, any rate) as 16 kHz mono samples: for offline data loading. */
export function decodeWavToModelRate(bytes: Uint8Array): Float32Array {
  const { samples, sampleRate } = decodeWav(bytes);
  return resample(samples, sampleRate, MODEL_SAMPLE_RATE);
}
