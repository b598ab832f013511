// Scoring a population: in this thread, or across worker threads (issue 12: "evaluation parallel across worker
// threads"). Evaluation is a pure function of (genome, weights, generation), so both give identical numbers;
// the population is cut into one run of neighbours per worker, and results go back by index.
import { Worker } from 'node:worker_threads';
import type { EvaluationRequest } from './evaluation-worker.js';
import { compile, pack, type Genome } from './genome.js';
import type { Performance, WannTask } from './search.js';
import type { TaskSource } from './task-source.js';

export interface PopulationEvaluator {
  /** Performance of every genome at every weight, in population order. */
  evaluate(genomes: Genome[], weights: number[], generation: number): Promise<Performance[]>;
  close(): Promise<void>;
}

export const serialEvaluator = (task: WannTask): PopulationEvaluator => ({
  evaluate: async (genomes, weights, generation) => genomes.map((g) => task.evaluate(compile(g), weights, generation)),
  close: async () => {},
});

type Reply = { id: number; performance?: Performance[]; error?: string };

// tsx's loader does not reach worker threads on Node 20 (a .ts entry fails with ERR_UNKNOWN_FILE_EXTENSION), so
// each worker starts from a bootstrap that registers tsx's ESM API and then imports the worker module.
const BOOTSTRAP = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); `
  + `return import(${JSON.stringify(new URL('./evaluation-worker.ts', import.meta.url).href)}); })`;

export function workerEvaluator(source: TaskSource, workers: number): PopulationEvaluator {
  const pool = Array.from({ length: workers }, () => new Worker(BOOTSTRAP, { eval: true, workerData: source }));
  // A worker that fails (also while starting, with nothing asked of it yet) fails every later request.
  const failures = new Map<Worker, Error>();
  for (const w of pool) w.on('error', (e) => failures.set(w, e));
  let nextId = 0;
  const run = (worker: Worker, request: EvaluationRequest) => new Promise<Performance[]>((resolve, reject) => {
    const failed = failures.get(worker);
    if (failed) return reject(new Error(`evaluation worker: ${failed.message}`));
    const onError = (e: Error) => {
      worker.off('message', onMessage);
      reject(new Error(`evaluation worker: ${e.message}`));
    };
    const onMessage = (reply: Reply) => {
      if (reply.id !== request.id) return;
      worker.off('message', onMessage).off('error', onError);
      if (reply.error !== undefined) reject(new Error(`evaluation worker: ${reply.error}`));
      else resolve(reply.performance!);
    };
    worker.on('message', onMessage).once('error', onError);
    worker.postMessage(request);
  });
  return {
    async evaluate(genomes, weights, generation) {
      // One run of neighbours per worker: a child sits next to its siblings, and a worker's memo of node values
      // (mnistTask) serves the genomes that worker scores, so neighbours share the most work.
      const size = Math.max(1, Math.ceil(genomes.length / workers));
      const chunks = Array.from({ length: Math.ceil(genomes.length / size) }, (_, c) => c * size);
      const results: Performance[] = new Array(genomes.length);
      let next = 0;
      await Promise.all(pool.map(async (worker) => {
        while (next < chunks.length) {
          const start = chunks[next++];
          const performance = await run(worker, { id: nextId++, genomes: genomes.slice(start, start + size).map(pack), weights, generation });
          performance.forEach((p, k) => (results[start + k] = p));
        }
      }));
      return results;
    },
    close: async () => void (await Promise.all(pool.map((w) => w.terminate()))),
  };
}
