// How diagonal an attention alignment is: the attended encoder step (argmax α) per decoder step should move
// forward, start near the beginning and reach near the end of the input.
export interface AlignmentQuality {
  /** Fraction of decoder steps whose attended position does not move back by more than one step. */
  monotonic: number;
  /** (last − first attended position) / encoder steps. */
  coverage: number;
}

export function alignmentQuality(argmax: number[], encoderSteps: number): AlignmentQuality {
  let forward = 0;
  for (let i = 1; i < argmax.length; i++) if (argmax[i] >= argmax[i - 1] - 1) forward++;
  return {
    monotonic: argmax.length > 1 ? forward / (argmax.length - 1) : 0,
    coverage: argmax.length > 0 ? (argmax[argmax.length - 1] - argmax[0]) / encoderSteps : 0,
  };
}

/** Per-example argmax rows of teacher-forced alignments [B, D, T] (row-major), cut to real lengths. */
export function argmaxRows(alignments: Float32Array, B: number, D: number, T: number, decoderSteps: number[]): number[][] {
  return Array.from({ length: B }, (_, b) => Array.from({ length: decoderSteps[b] }, (_, d) => {
    let best = 0;
    for (let t = 1; t < T; t++) if (alignments[(b * D + d) * T + t] > alignments[(b * D + d) * T + best]) best = t;
    return best;
  }));
}
