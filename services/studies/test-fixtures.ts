// Shared by the studies' tests: a miniature data-parallel study spec.

/** A miniature data-parallel study on morphnet's synthetic bars task (no files needed). */
export const MINI_DATAPARALLEL = {
  dataset: 'synthetic', batchSizes: [4, 8, 16, 32], optimizers: ['sgd', 'momentum'], trialsPerBatch: 2, stepBudget: 60,
  targetAccuracy: 0.9, learningRateRange: [0.05, 1], trainExamples: 512, valExamples: 128, seed: 2,
};
