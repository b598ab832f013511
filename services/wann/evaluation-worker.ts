// Worker thread of `workerEvaluator`: rebuilds the task from its source once, then scores batches of genomes.
import { parentPort, workerData } from 'node:worker_threads';
import { compile, type PackedGenome } from './genome.js';
import { buildTask, type TaskSource } from './task-source.js';

export interface EvaluationRequest {
  id: number;
  genomes: PackedGenome[];
  weights: number[];
  generation: number;
}

const task = buildTask(workerData as TaskSource);
parentPort!.on('message', ({ id, genomes, weights, generation }: EvaluationRequest) => {
  try {
    parentPort!.postMessage({ id, performance: genomes.map((g) => task.evaluate(compile(g), weights, generation)) });
  } catch (e) {
    parentPort!.postMessage({ id, error: e instanceof Error ? e.message : String(e) });
  }
});
