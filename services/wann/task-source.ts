// A task described by plain data, so a worker thread can rebuild exactly the task the search runs (MNIST pixels
// travel as SharedArrayBuffers, not copies; the cart-pole's start states follow from the seed).
import { swingUpTask } from './cartpole.js';
import { mnistTask, type DigitStore, type MnistFitness } from './mnist16.js';
import type { WannTask } from './search.js';

export type TaskSource =
  | { kind: 'mnist16'; train: DigitStore; batch: number; seed: number; fitness?: MnistFitness }
  | { kind: 'swingup'; trials: number; steps: number; seed: number };

export const buildTask = (s: TaskSource): WannTask =>
  s.kind === 'mnist16' ? mnistTask(s.train, s.batch, s.seed, s.fitness) : swingUpTask(s.trials, s.steps, s.seed);
