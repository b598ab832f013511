// Statistics for the MorphNet benchmark: mean ± std over seeds, and the uniform width-multiplier baseline
// curve (mean accuracy vs FLOPs) interpolated linearly in log FLOPs, both ways.

export interface Summary { mean: number; std: number; /** standard error of the mean */ sem: number; n: number }

export function summarize(xs: number[]): Summary {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std, sem: std / Math.sqrt(n), n };
}

export interface CurvePoint { flops: number; acc: Summary }

export class BaselineCurve {
  private readonly points: CurvePoint[];

  constructor(points: CurvePoint[]) {
    if (points.length < 2) throw new Error('the baseline curve needs at least two width multipliers');
    this.points = [...points].sort((a, b) => a.flops - b.flops);
  }

  /** Mean accuracy and its standard error at `flops` (clamped to the curve's ends). */
  accuracyAt(flops: number): { mean: number; sem: number } {
    const p = this.points;
    if (flops <= p[0].flops) return { mean: p[0].acc.mean, sem: p[0].acc.sem };
    for (let i = 1; i < p.length; i++) {
      if (flops <= p[i].flops) {
        const t = (Math.log(flops) - Math.log(p[i - 1].flops)) / (Math.log(p[i].flops) - Math.log(p[i - 1].flops));
        return { mean: lerp(p[i - 1].acc.mean, p[i].acc.mean, t), sem: lerp(p[i - 1].acc.sem, p[i].acc.sem, t) };
      }
    }
    return { mean: p.at(-1)!.acc.mean, sem: p.at(-1)!.acc.sem };
  }

  /**
   * Fewest baseline FLOPs reaching `accuracy` on the (piecewise log-linear) curve; undefined outside the
   * curve's accuracy range (above its best point, or below its cheapest, where it is not measured).
   */
  flopsAt(accuracy: number): number | undefined {
    const p = this.points;
    if (accuracy < p[0].acc.mean) return undefined;
    for (let i = 1; i < p.length; i++) {
      const [a, b] = [p[i - 1], p[i]];
      if (accuracy <= b.acc.mean && b.acc.mean > a.acc.mean) {
        const t = (accuracy - a.acc.mean) / (b.acc.mean - a.acc.mean);
        return Math.exp(lerp(Math.log(a.flops), Math.log(b.flops), Math.max(0, t)));
      }
    }
    return undefined;
  }

  /** 1 − flops / (baseline FLOPs at `accuracy`): the FLOP saving at equal accuracy (undefined off the curve). */
  savingAt(flops: number, accuracy: number): number | undefined {
    const base = this.flopsAt(accuracy);
    return base === undefined ? undefined : 1 - flops / base;
  }
}

function lerp(a: number, b: number, t: number): number {
  return a + t * (b - a);
}
