// Band-limited resampling by windowed-sinc interpolation (Smith, "Digital Audio Resampling", the
// bandlimited-interpolation method): each output sample is a Kaiser-windowed sinc, its cutoff at the lower
// of the two Nyquist rates, centred at the output instant and evaluated on the input samples around it.
// Works for any rate pair (8/16/48 kHz data, espeak-ng's 22,050 Hz) and streams: an output sample is
// produced once the input reaches `lookaheadSamples` past it.

/** Half-width of the kernel in input samples at the lower rate's cutoff. */
const ZERO_CROSSINGS = 16;
const KAISER_BETA = 8.6;
/** Kernel table resolution (linear interpolation between entries; error far below 16-bit quantization). */
const TABLE_STEPS = 512;

export class StreamingResampler {
  readonly ratio: number; // input samples per output sample
  private readonly cutoff: number; // fraction of the input Nyquist kept
  private readonly halfWidth: number; // kernel half-width in input samples
  private readonly table: Float32Array; // kernel at TABLE_STEPS points per input sample, |x| in [0, halfWidth]
  private buffer = new Float32Array(0);
  private bufferStart = 0; // absolute index of buffer[0] in the input
  private received = 0; // absolute number of input samples pushed
  private nextOutput = 0; // absolute index of the next output sample

  constructor(readonly fromRate: number, readonly toRate: number) {
    if (!(fromRate > 0 && toRate > 0)) throw new RangeError('sample rates must be positive');
    this.ratio = fromRate / toRate;
    this.cutoff = Math.min(1, toRate / fromRate);
    this.halfWidth = Math.ceil(ZERO_CROSSINGS / this.cutoff);
    this.table = new Float32Array(this.halfWidth * TABLE_STEPS + 2);
    for (let i = 0; i < this.table.length; i++) this.table[i] = kernel(i / TABLE_STEPS, this.cutoff, this.halfWidth);
  }

  /** Input samples the resampler must see beyond an output instant before producing it. */
  get lookaheadSamples(): number {
    return this.fromRate === this.toRate ? 0 : this.halfWidth;
  }

  /** Feed input; returns every output sample that is now fully determined. */
  push(input: Float32Array): Float32Array {
    if (this.fromRate === this.toRate) return input.slice();
    const joined = new Float32Array(this.buffer.length + input.length);
    joined.set(this.buffer);
    joined.set(input, this.buffer.length);
    this.buffer = joined;
    this.received += input.length;
    return this.produce(this.received - this.halfWidth);
  }

  /** End of input: produce the remaining outputs, treating samples past the end as silence. */
  flush(): Float32Array {
    if (this.fromRate === this.toRate) return new Float32Array(0);
    const total = Math.floor((this.received * this.toRate) / this.fromRate);
    return this.produce(Infinity, total);
  }

  private produce(maxCentre: number, limit = Infinity): Float32Array {
    const out: number[] = [];
    for (;;) {
      const n = this.nextOutput;
      if (n >= limit) break;
      const centre = n * this.ratio;
      if (centre > maxCentre) break;
      out.push(this.interpolate(centre));
      this.nextOutput++;
    }
    // Drop input that no future output's kernel can reach.
    const keepFrom = Math.max(0, Math.floor(this.nextOutput * this.ratio) - this.halfWidth - 1);
    if (keepFrom > this.bufferStart) {
      this.buffer = this.buffer.slice(keepFrom - this.bufferStart);
      this.bufferStart = keepFrom;
    }
    return Float32Array.from(out);
  }

  private interpolate(centre: number): number {
    const first = Math.max(this.bufferStart, Math.ceil(centre - this.halfWidth));
    const last = Math.min(this.bufferStart + this.buffer.length - 1, Math.floor(centre + this.halfWidth));
    let sum = 0;
    for (let k = first; k <= last; k++) {
      const pos = Math.abs(k - centre) * TABLE_STEPS;
      const i = Math.floor(pos);
      const w = this.table[i] + (pos - i) * (this.table[i + 1] - this.table[i]);
      sum += this.buffer[k - this.bufferStart] * w;
    }
    return sum;
  }
}

/** Resample a whole signal. */
export function resample(input: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (fromRate === toRate) return input;
  const r = new StreamingResampler(fromRate, toRate);
  const head = r.push(input);
  const tail = r.flush();
  const out = new Float32Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}

/** Low-pass kernel: cutoff·sinc(cutoff·x), Kaiser-windowed over |x| ≤ halfWidth (x in input samples). */
function kernel(x: number, cutoff: number, halfWidth: number): number {
  const r = x / halfWidth;
  if (Math.abs(r) > 1) return 0;
  const arg = Math.PI * cutoff * x;
  const sinc = arg === 0 ? 1 : Math.sin(arg) / arg;
  return cutoff * sinc * (besselI0(KAISER_BETA * Math.sqrt(1 - r * r)) / besselI0(KAISER_BETA));
}

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 30; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < 1e-12 * sum) break;
  }
  return sum;
}
