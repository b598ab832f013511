// Swing-up cart-pole, the WANN paper's control task: the pole starts hanging down and must be swung up and
// balanced. Physics and reward follow the paper's `cartpole_swingup` (Ha's port of the classic equations
// with cart friction): reward per step = (cos θ + 1)/2 · cos(π/2 · x / x_max), episode ends off the track.
import { forward, type Plan } from './genome.js';
import { gaussian, seededRandom } from './random.js';
import type { WannTask } from './search.js';

const G = 9.82, M_CART = 0.5, M_POLE = 0.5, L = 0.6, FORCE = 10, FRICTION = 0.1, DT = 0.01, X_MAX = 2.4;

export interface CartState {
  x: number;
  xDot: number;
  theta: number;
  thetaDot: number;
}

/** One Euler step with action a ∈ [−1, 1] (scaled to ±FORCE newtons). */
export function stepCart(s: CartState, action: number): CartState {
  const f = Math.max(-1, Math.min(1, action)) * FORCE;
  const sin = Math.sin(s.theta), cos = Math.cos(s.theta), total = M_CART + M_POLE;
  const xAcc = (-2 * M_POLE * L * s.thetaDot ** 2 * sin + 3 * M_POLE * G * sin * cos + 4 * f - 4 * FRICTION * s.xDot) / (4 * total - 3 * M_POLE * cos ** 2);
  const thetaAcc = (-3 * M_POLE * L * s.thetaDot ** 2 * sin * cos + 6 * total * G * sin + 6 * (f - FRICTION * s.xDot) * cos) / (4 * L * total - 3 * M_POLE * L * cos ** 2);
  return { x: s.x + s.xDot * DT, xDot: s.xDot + xAcc * DT, theta: s.theta + s.thetaDot * DT, thetaDot: s.thetaDot + thetaAcc * DT };
}

export const reward = (s: CartState): number => ((Math.cos(s.theta) + 1) / 2) * Math.cos((Math.PI / 2) * (s.x / X_MAX));
export const observe = (s: CartState): number[] => [s.x, s.xDot, Math.cos(s.theta), Math.sin(s.theta), s.thetaDot];

/** Hanging-down starts with small noise, fixed by the seed so every network sees the same episodes. */
export function startStates(trials: number, seed: number): CartState[] {
  const rng = seededRandom(seed);
  return Array.from({ length: trials }, () => ({ x: 0.2 * gaussian(rng), xDot: 0.2 * gaussian(rng), theta: Math.PI + 0.2 * gaussian(rng), thetaDot: 0.2 * gaussian(rng) }));
}

/** Mean return over the start states with one shared weight; the trials run as one batch. */
export function rollout(plan: Plan, weight: number, starts: CartState[], steps: number): number {
  let states = starts.map((s) => ({ ...s }));
  const alive = starts.map(() => true), total = starts.map(() => 0);
  const n = starts.length;
  for (let t = 0; t < steps && alive.some(Boolean); t++) {
    const inputs = Array.from({ length: 5 }, (_, k) => Float64Array.from(states, (s) => observe(s)[k]));
    const [action] = forward(plan, inputs, n, weight);
    states = states.map((s, i) => (alive[i] ? stepCart(s, action[i]) : s));
    for (let i = 0; i < n; i++) {
      if (!alive[i]) continue;
      if (Math.abs(states[i].x) > X_MAX) alive[i] = false;
      else total[i] += reward(states[i]);
    }
  }
  return total.reduce((a, b) => a + b, 0) / n;
}

export function swingUpTask(trials: number, steps: number, seed: number): WannTask {
  const starts = startStates(trials, seed);
  return {
    inputs: 5, outputs: 1, outputActivation: 'linear',
    evaluate: (plan, weights) => ({ perWeight: weights.map((w) => rollout(plan, w, starts, steps)) }),
  };
}
