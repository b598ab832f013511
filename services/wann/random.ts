// Random helpers of the search over the suite's seeded generator, so every search and rollout is reproducible.
import { seededRandom, type Random } from '../ml/seeded-random.js';

export type Rng = Random;
export { seededRandom };

export const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];

export function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}
