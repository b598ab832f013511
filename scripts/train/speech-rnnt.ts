// Train the speech service's RNN transducer end to end and write fp32 and int8 checkpoints that
// services/speech loads (NNSUITE_SPEECH_MODEL_DIR, default models/speech). Data: see training-data.ts.
//   NNSUITE_TF_BACKEND=wasm nice -n 10 npx tsx scripts/train/speech-rnnt.ts --minutes 60 --out models/speech
// Sources are weighted per epoch by --mix (default an4=2,fsdd=0.3,synth=1; see training-data.ts).
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { initBackend } from '../../services/ml/backend.js';
import { DEFAULT_AN4_DIR, DEFAULT_FSDD_DIR, DEFAULT_SYNTH_DIR } from '../../services/speech/data/corpora.js';
import { loadCheckpoint, saveCheckpoint } from '../../services/speech/model/checkpoint.js';
import { DEFAULT_RNNT_CONFIG, type RnntModel } from '../../services/speech/model/rnnt-model.js';
import { SPEC_AUGMENT_POLICIES } from '../../services/speech/model/specaugment.js';
import { loadTrainingData, parseMix } from '../../services/speech/training-data.js';
import { DEFAULT_RECIPE, trainRnnt } from '../../services/speech/rnnt-training.js';

const { values } = parseArgs({ options: {
  an4: { type: 'string', default: DEFAULT_AN4_DIR },
  fsdd: { type: 'string', default: DEFAULT_FSDD_DIR },
  synth: { type: 'string', default: DEFAULT_SYNTH_DIR },
  'feature-cache': { type: 'string', default: 'data/speech/features' },
  out: { type: 'string', default: 'models/speech' },
  minutes: { type: 'string', default: '60' },
  steps: { type: 'string' },
  units: { type: 'string', default: '128' },
  'prediction-units': { type: 'string', default: '96' },
  policy: { type: 'string', default: DEFAULT_RECIPE.policy },
  'augment-after': { type: 'string', default: String(DEFAULT_RECIPE.augmentAfterStep) },
  lr: { type: 'string', default: String(DEFAULT_RECIPE.learningRate) },
  warmup: { type: 'string', default: String(DEFAULT_RECIPE.warmupSteps) },
  'batch-frames': { type: 'string', default: String(DEFAULT_RECIPE.batchFrames) },
  mix: { type: 'string', default: '' },
  seed: { type: 'string', default: '1' },
  resume: { type: 'string' },
} });

await initBackend();
const started = Date.now();
// Resuming keeps the checkpoint's normalizer: the weights were trained on features scaled by it.
const resumed = values.resume ? loadCheckpoint(values.resume) : undefined;
const data = loadTrainingData({ an4: values.an4!, fsdd: values.fsdd!, synth: values.synth!, featureCache: values['feature-cache']! }, resumed?.normalizer, parseMix(values.mix!), Number(values.seed));
console.log(JSON.stringify({ msg: 'data', ...data.counts, hours: +data.hours.toFixed(2), feature_seconds: (Date.now() - started) / 1000 }));

const units = Number(values.units);
const config = resumed?.model.config ?? { ...DEFAULT_RNNT_CONFIG, encoderUnits: units, jointUnits: units, predictionUnits: Number(values['prediction-units']), embeddingSize: 32 };
const previousSteps = Number(resumed?.manifest.training?.steps ?? 0);
const save = (model: RnntModel, step: number) => {
  const training = { data: data.counts, hours: data.hours, policy: values.policy, lr: Number(values.lr), seed: Number(values.seed), steps: previousSteps + step, minutes: (Date.now() - started) / 60000 };
  saveCheckpoint(join(values.out!, 'fp32'), model, data.normalizer, { training });
  saveCheckpoint(join(values.out!, 'int8'), model, data.normalizer, { int8: true, training });
  console.log(JSON.stringify({ msg: 'checkpoint', step: previousSteps + step, out: values.out }));
};
const result = await trainRnnt(data.examples, {
  config,
  model: resumed?.model,
  maxMinutes: Number(values.minutes),
  maxSteps: values.steps ? Number(values.steps) : undefined,
  batchFrames: Number(values['batch-frames']),
  maxBatch: DEFAULT_RECIPE.maxBatch,
  learningRate: Number(values.lr),
  warmupSteps: Number(values.warmup),
  clipNorm: DEFAULT_RECIPE.clipNorm,
  policy: values.policy === 'none' ? undefined : SPEC_AUGMENT_POLICIES[values.policy as keyof typeof SPEC_AUGMENT_POLICIES],
  augmentAfterStep: Number(values['augment-after']),
  seed: Number(values.seed),
  checkpointEveryMinutes: 5,
  onCheckpoint: save,
  onLog: (e) => console.log(JSON.stringify({ msg: 'train', ...e, loss: +e.loss.toFixed(3), lossPerLabel: +e.lossPerLabel.toFixed(4) })),
});
console.log(JSON.stringify({ msg: 'done', steps: result.steps, loss: result.lastLoss, params: result.model.parameterCount() }));
