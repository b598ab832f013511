// RIFF/WAVE and raw PCM16 decoding (and encoding, for synthesized data and tests). Only what speech uses:
// integer PCM 16-bit, any channel count (mixed down to mono), any rate (the caller resamples).

export interface Pcm {
  /** Mono samples in [-1, 1). */
  samples: Float32Array;
  sampleRate: number;
}

export class AudioFormatError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'AudioFormatError';
  }
}

/** Signed 16-bit little-endian PCM → floats in [-1, 1). The byte count must be even. */
export function decodePcm16(bytes: Uint8Array): Float32Array {
  if (bytes.length % 2 !== 0) throw new AudioFormatError(`LINEAR16 audio must have an even number of bytes, got ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(2 * i, true) / 32768;
  return out;
}

export function encodePcm16(samples: Float32Array): Uint8Array {
  const out = new Uint8Array(samples.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]));
    view.setInt16(2 * i, Math.round(s * 32767), true);
  }
  return out;
}

export interface WavHeader {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Byte offset of the first sample in the file. */
  dataOffset: number;
  /** Declared byte length of the data chunk (may be larger than what has arrived, or 0xffffffff when streamed). */
  dataBytes: number;
}

/**
 * Parse the header of a WAV file. Returns undefined when `bytes` is a valid prefix that does not yet reach
 * the `data` chunk (streaming: wait for more bytes); throws AudioFormatError when it is not PCM16 WAV.
 */
export function parseWavHeader(bytes: Uint8Array): WavHeader | undefined {
  if (bytes.length < 12) {
    if (!isPrefixOf(bytes, 'RIFF')) throw new AudioFormatError('not a RIFF/WAVE file');
    return undefined;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (ascii(bytes, 0, 4) !== 'RIFF' || ascii(bytes, 8, 4) !== 'WAVE') throw new AudioFormatError('not a RIFF/WAVE file');
  let offset = 12;
  let format: { channels: number; sampleRate: number; bitsPerSample: number } | undefined;
  while (offset + 8 <= bytes.length) {
    const id = ascii(bytes, offset, 4);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (body + 16 > bytes.length) return undefined;
      const tag = view.getUint16(body, true);
      const channels = view.getUint16(body + 2, true);
      const sampleRate = view.getUint32(body + 4, true);
      const bitsPerSample = view.getUint16(body + 14, true);
      // 0xfffe is WAVE_FORMAT_EXTENSIBLE; sox writes it for some outputs, the samples are still integer PCM.
      if ((tag !== 1 && tag !== 0xfffe) || bitsPerSample !== 16) {
        throw new AudioFormatError(`only 16-bit integer PCM WAV is supported (format tag ${tag}, ${bitsPerSample} bits)`);
      }
      if (channels < 1) throw new AudioFormatError('WAV declares no channels');
      if (sampleRate < 1) throw new AudioFormatError('WAV declares sample rate 0');
      format = { channels, sampleRate, bitsPerSample };
    } else if (id === 'data') {
      if (!format) throw new AudioFormatError('WAV data chunk comes before its fmt chunk');
      return { ...format, dataOffset: body, dataBytes: size };
    }
    offset = body + size + (size % 2); // chunks are word-aligned
  }
  return undefined;
}

/** Decode a whole WAV file to mono floats at its own rate. */
export function decodeWav(bytes: Uint8Array): Pcm {
  const header = parseWavHeader(bytes);
  if (!header) throw new AudioFormatError('WAV file ends before its data chunk');
  const end = Math.min(bytes.length, header.dataOffset + header.dataBytes);
  const frameBytes = 2 * header.channels;
  const usable = end - header.dataOffset - ((end - header.dataOffset) % frameBytes);
  const interleaved = decodePcm16(bytes.subarray(header.dataOffset, header.dataOffset + usable));
  return { samples: mixToMono(interleaved, header.channels), sampleRate: header.sampleRate };
}

export function mixToMono(interleaved: Float32Array, channels: number): Float32Array {
  if (channels === 1) return interleaved;
  const out = new Float32Array(Math.floor(interleaved.length / channels));
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += interleaved[i * channels + c];
    out[i] = sum / channels;
  }
  return out;
}

/** A mono PCM16 WAV file. */
export function encodeWav(samples: Float32Array, sampleRate: number): Uint8Array {
  const data = encodePcm16(samples);
  const out = new Uint8Array(44 + data.length);
  const view = new DataView(out.buffer);
  const text = (offset: number, s: string) => { for (let i = 0; i < s.length; i++) out[offset + i] = s.charCodeAt(i); };
  text(0, 'RIFF');
  view.setUint32(4, 36 + data.length, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, 'data');
  view.setUint32(40, data.length, true);
  out.set(data, 44);
  return out;
}

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

function isPrefixOf(bytes: Uint8Array, s: string): boolean {
  for (let i = 0; i < Math.min(bytes.length, s.length); i++) if (bytes[i] !== s.charCodeAt(i)) return false;
  return true;
}
