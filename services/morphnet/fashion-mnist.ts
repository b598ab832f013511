// A tiny synthetic task with Fashion-MNIST's layout for smoke tests that need no files (the IDX reader is
// services/ml/idx-datasets.ts).
import type { Dataset, ImageSet } from '../ml/idx-datasets.js';

/**
 * A small learnable task of the same layout: class k is a bright horizontal bar at row band k plus noise,
 * so a tiny convnet learns it in a few dozen steps.
 */
export function syntheticDataset(height: number, width: number, classes: number, train: number, test: number, seed: number): Dataset {
  let state = seed >>> 0 || 1;
  const random = (): number => { state = (state * 1664525 + 1013904223) >>> 0; return state / 2 ** 32; };
  const make = (n: number): ImageSet => {
    const images = new Float32Array(n * height * width);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const k = Math.floor(random() * classes);
      labels[i] = k;
      const rows = [Math.floor((k * height) / classes), Math.floor(((k + 1) * height) / classes)];
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) images[(i * height + y) * width + x] = (y >= rows[0] && y < rows[1] ? 0.8 : 0) + 0.3 * random();
      }
    }
    return { images, labels, height, width, channels: 1, classes };
  };
  return { train: make(train), test: make(test) };
}
