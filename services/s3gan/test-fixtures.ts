// A tiny 28×28 task for the S3GAN tests that needs no files: an "up" marker (a bright cap along the top rows)
// makes the rotation task learnable, and the class is the period of vertical stripes below it.
import { seededRandom } from '../ml/seeded-random.js';
import type { ImageSet } from './images.js';

export const STRIPE_PERIODS = [2, 4, 6, 8];

export function stripesSet(n: number, seed: number): ImageSet {
  const random = seededRandom(seed);
  const images = new Float32Array(n * 784);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = Math.floor(random() * STRIPE_PERIODS.length);
    labels[i] = k;
    const period = STRIPE_PERIODS[k]!, phase = Math.floor(random() * period);
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        const stripe = y >= 7 && Math.floor((x + phase) / (period / 2)) % 2 === 0 ? 0.7 : 0;
        images[i * 784 + y * 28 + x] = Math.min(1, (y < 4 ? 0.9 : stripe) + 0.2 * random());
      }
    }
  }
  return { images, labels, height: 28, width: 28, channels: 1, classes: STRIPE_PERIODS.length };
}
