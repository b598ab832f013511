// Train Parrotron's base many-to-one model on the parallel pairs of scripts/data/parrotron-pairs.ts and write
// the servable checkpoint (models/parrotron/base by default), saving as it goes so a stopped run still leaves one.
//   npx tsx scripts/train/parrotron.ts [--data data/parrotron/pairs] [--out models/parrotron/base] [--steps 2000] [--minutes 30] [--seed 1] [--resume]
// --seed fixes the initial weights and the batch order.
import { parseArgs } from 'node:util';
import { readPairAudio, readPairs } from '../data/parrotron-pairs.js';
import { initBackend } from '../../services/ml/backend.js';
import { loadParrotron, saveParrotron } from '../../services/parrotron/model/model-io.js';
import { PRODUCTION_CONFIG } from '../../services/parrotron/model/configs.js';
import { ParrotronModel } from '../../services/parrotron/model/parrotron-model.js';
import { trainParrotron } from '../../services/parrotron/model/parrotron-training.js';
import { fitNormalizers, phonemeVocabulary, toExamples } from '../../services/parrotron/parallel-data.js';

const { values } = parseArgs({ options: {
  data: { type: 'string', default: 'data/parrotron/pairs' }, out: { type: 'string', default: 'models/parrotron/base' },
  steps: { type: 'string', default: '2000' }, minutes: { type: 'string', default: '30' }, batch: { type: 'string', default: '8' },
  lr: { type: 'string', default: '0.002' }, 'save-every': { type: 'string', default: '25' }, seed: { type: 'string', default: '1' },
  resume: { type: 'boolean', default: false } } });

const backend = await initBackend();
const records = readPairs(values.data);
const train = records.filter((r) => r.split === 'train');
const vocabulary = phonemeVocabulary(records);
const examples = toExamples(train.map((r) => ({ input: readPairAudio(values.data, r.input), target: readPairAudio(values.data, r.target), phonemes: r.phonemes })), vocabulary);
// --resume continues from the checkpoint in --out (same vocabulary and normalizers), counting its steps.
const previous = values.resume ? loadParrotron(values.out) : undefined;
const normalizers = previous?.normalizers ?? fitNormalizers(examples);
const model = previous?.model ?? new ParrotronModel({ ...PRODUCTION_CONFIG, phonemes: vocabulary }, Number(values.seed));
const priorSteps = Number(previous?.manifest.training?.steps ?? 0);
const deadline = Date.now() + Number(values.minutes) * 60_000;
const started = Date.now();
const abort = new AbortController();
let lastStep = 0;
const notes = (losses: Record<string, number>) => ({ script: 'scripts/train/parrotron.ts', steps: priorSteps + lastStep, examples: examples.length, backend, minutes: (Date.now() - started) / 60_000, losses });
console.log(`training on ${examples.length} pairs (${backend}), ${vocabulary.length} phonemes`);
await trainParrotron(model, examples, normalizers, {
  steps: Number(values.steps), batchSize: Number(values.batch), learningRate: Number(values.lr), seed: Number(values.seed), signal: abort.signal,
  onStep: (step, losses) => {
    lastStep = step;
    if (step % 5 === 0) console.log(JSON.stringify({ step, ...losses, min: ((Date.now() - started) / 60_000).toFixed(1) }));
    if (step % Number(values['save-every']) === 0) saveParrotron(values.out, model, normalizers, notes(losses));
    if (Date.now() > deadline) abort.abort();
  },
}).catch((error: Error) => { if (!abort.signal.aborted) throw error; });
saveParrotron(values.out, model, normalizers, notes({}));
console.log(`saved ${values.out} after ${lastStep} steps`);
