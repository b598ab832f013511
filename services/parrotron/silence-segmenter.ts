// Endpointing for StreamingConvert: 10 ms frames are speech when their RMS level is within 35 dB of the
// loudest frame so far (and above an absolute floor); a segment closes after `endSilenceMs` of non-speech
// following speech, keeping a little padding around it, so each spoken phrase is converted once complete.
export interface Segment { samples: Float32Array; startSample: number; endSample: number }

const FRAME = 160; // 10 ms at 16 kHz
const ABSOLUTE_FLOOR = 1e-3;
const RELATIVE_DB = 35;
const PAD_FRAMES = 10;

export class SilenceSegmenter {
  private buffer: number[] = [];
  /** Absolute sample index of buffer[0]. */
  private bufferStart = 0;
  private pendingFrame: number[] = [];
  private loudest = 0;
  private speechStart = -1; // frame index in the buffer, -1 when none
  private silentFrames = 0;

  constructor(readonly endSilenceMs = 400, readonly maxSegmentSamples = 16000 * 15) {}

  /** Push 16 kHz samples; returns the segments they complete. */
  push(samples: Float32Array): Segment[] {
    const out: Segment[] = [];
    for (const s of samples) {
      this.pendingFrame.push(s);
      if (this.pendingFrame.length < FRAME) continue;
      const frame = this.pendingFrame;
      this.pendingFrame = [];
      const frameIndex = this.buffer.length / FRAME;
      this.buffer.push(...frame);
      const rms = Math.sqrt(frame.reduce((a, x) => a + x * x, 0) / FRAME);
      this.loudest = Math.max(this.loudest, rms);
      const speech = rms > ABSOLUTE_FLOOR && rms > this.loudest * 10 ** (-RELATIVE_DB / 20);
      if (speech) {
        if (this.speechStart < 0) this.speechStart = frameIndex;
        this.silentFrames = 0;
      } else if (this.speechStart >= 0) {
        this.silentFrames++;
      }
      const tooLong = this.speechStart >= 0 && (frameIndex - this.speechStart + 1) * FRAME >= this.maxSegmentSamples;
      if ((this.speechStart >= 0 && this.silentFrames * 10 >= this.endSilenceMs) || tooLong) out.push(this.cut(frameIndex + 1));
      else if (this.speechStart < 0 && this.buffer.length > PAD_FRAMES * FRAME * 2) this.drop(this.buffer.length / FRAME - PAD_FRAMES);
    }
    return out;
  }

  /** End of stream: the unfinished segment, if it holds speech. */
  flush(): Segment[] {
    this.buffer.push(...this.pendingFrame);
    this.pendingFrame = [];
    return this.speechStart >= 0 ? [this.cut(Math.ceil(this.buffer.length / FRAME))] : [];
  }

  private cut(endFrame: number): Segment {
    const from = Math.max(0, this.speechStart - PAD_FRAMES) * FRAME;
    const to = Math.min(this.buffer.length, (endFrame - Math.max(0, this.silentFrames - PAD_FRAMES)) * FRAME);
    const segment = { samples: Float32Array.from(this.buffer.slice(from, to)), startSample: this.bufferStart + from, endSample: this.bufferStart + to };
    this.drop(endFrame);
    this.speechStart = -1;
    this.silentFrames = 0;
    return segment;
  }

  private drop(frames: number): void {
    const n = Math.min(this.buffer.length, frames * FRAME);
    this.buffer = this.buffer.slice(n);
    this.bufferStart += n;
  }
}
