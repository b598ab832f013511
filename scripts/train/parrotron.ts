// Train Parrotron's base many-to-one model on the parallel pairs of scripts/data/parrotron-pairs.ts and write
// the servable checkpoint (models/parrotron/base by default), saving as it goes so a stopped run still leaves one.
//   npx tsx scripts/train/parrotron.ts [--data data/parrotron/pairs] [--out models/parrotron/base] [--steps 2000] [--minutes 30]
//     [--lr 0.002] [--lr-final LR] [--seed 1] [--resume]
// --seed fixes the initial weights and the batch order; --lr-final decays the rate from --lr along a half-cosine
// over --steps (constant without it).
import { parseArgs } from 'node:util';
import { readPairAudio, readPairs } from '../data/parrotron-pairs.js';
import { initBackend } from '../../services/ml/backend.js';
import { cosineDecay } from '../../services/ml/lr-schedules.js';
import { loadParrotron, saveParrotron } from '../../services/parrotron/model/model-io.js';
import { PRODUCTION_CONFIG } from '../../services/parrotron/model/configs.js';
import { ParrotronModel } from '../../services/parrotron/model/parrotron-model.js';
import { trainParrotron } from '../../services/parrotron/model/parrotron-training.js';
import { fitNormalizers, phonemeVocabulary, toExamples } from '../../services/parrotron/parallel-data.js';

const { values } = parseArgs({ options: {
  data: { type: 'string', default: 'data/parrotron/pairs' }, out: { type: 'string', default: 'models/parrotron/base' },
  steps: { type: 'string', default: '2000' }, minutes: { type: 'string', default: '30' }, batch: { type: 'string', default: '8' },
  lr: { type: 'string', default: '0.002' }, 'lr-final': { type: 'string' }, 'save-every': { type: 'string', default: '25' }, seed: { type: 'string', default: '1' },
  resume: { type: 'boolean', default: false } } });

const backend = await initBackend();
const records = readPairs(values.data);
const train = records.filter((r) => r.split === 'train');
// --resume continues from the checkpoint in --out (its vocabulary and normalizers), counting its steps.
const previous = values.resume ? loadParrotron(values.out) : undefined;
const vocabulary = previous?.model.config.phonemes ?? phonemeVocabulary(records);
const examples = toExamples(train.map((r) => ({ input: readPairAudio(values.data, r.input), target: readPairAudio(values.data, r.target), phonemes: r.phonemes })), vocabulary);
const normalizers = previous?.normalizers ?? fitNormalizers(examples);
const model = previous?.model ?? new ParrotronModel({ ...PRODUCTION_CONFIG, phonemes: vocabulary }, Number(values.seed));
const priorSteps = Number(previous?.manifest.training?.steps ?? 0);
const deadline = Date.now() + Number(values.minutes) * 60_000;
const started = Date.now();
const abort = new AbortController();
const steps = Number(values.steps);
const learningRate = values['lr-final'] === undefined ? Number(values.lr) : cosineDecay(Number(values.lr), steps, Number(values['lr-final']));
let lastStep = 0;
const notes = (losses: Record<string, number>) => ({ script: 'scripts/train/parrotron.ts', steps: priorSteps + lastStep, examples: examples.length, backend, minutes: (Date.now() - started) / 60_000, losses });
console.log(`training on ${examples.length} pairs (${backend}), ${vocabulary.length} phonemes`);
await trainParrotron(model, examples, normalizers, {
  steps, learningRate, batchSize: Number(values.batch), seed: Number(values.seed), signal: abort.signal,
  onStep: (step, losses) => {
    lastStep = step;
    if (step % 5 === 0) console.log(JSON.stringify({ step, ...losses, min: ((Date.now() - started) / 60_000).toFixed(1) }));
    if (step % Number(values['save-every']) === 0) saveParrotron(values.out, model, normalizers, notes(losses));
    if (Date.now() > deadline) abort.abort();
  },
}).catch((error: Error) => { if (!abort.signal.aborted) throw error; });
saveParrotron(values.out, model, normalizers, notes({}));
console.log(`saved ${values.out} after ${lastStep} steps`);
