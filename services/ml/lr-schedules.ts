// Learning-rate schedules: a schedule is a pure function of the (0-based) step.
export type LrSchedule = (step: number) => number;

export function constant(lr: number): LrSchedule {
  return () => lr;
}

/** lr · factor^⌊step / every⌋ (step decay). */
export function stepDecay(lr: number, factor: number, every: number): LrSchedule {
  return (step) => lr * factor ** Math.floor(step / every);
}

/** lr · rate^(step / decaySteps) (continuous exponential decay). */
export function exponentialDecay(lr: number, rate: number, decaySteps: number): LrSchedule {
  return (step) => lr * rate ** (step / decaySteps);
}

/** Half-cosine from lr to minLr over `total` steps (Loshchilov & Hutter 2017, SGDR without restarts). */
export function cosineDecay(lr: number, total: number, minLr = 0): LrSchedule {
  return (step) => minLr + 0.5 * (lr - minLr) * (1 + Math.cos(Math.PI * Math.min(step, total) / total));
}

/** Linear ramp from ~0 to the schedule's value over `steps` steps, then the schedule (Goyal et al. 2017). */
export function withWarmup(schedule: LrSchedule, steps: number): LrSchedule {
  return (step) => (step < steps ? schedule(step) * (step + 1) / steps : schedule(step));
}

/** Transformer schedule: d^-0.5 · min(step^-0.5, step · warmup^-1.5) (Vaswani et al. 2017, eq. 3). */
export function inverseSqrt(dModel: number, warmup: number, scale = 1): LrSchedule {
  return (step) => scale * dModel ** -0.5 * Math.min((step + 1) ** -0.5, (step + 1) * warmup ** -1.5);
}
