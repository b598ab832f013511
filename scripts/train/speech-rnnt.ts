// Train the speech service's RNN transducer end to end and write a checkpoint (fp32 and int8) that
// services/speech loads. Data: AN4 train minus held-out speakers, FSDD train split (index 5–49), and
// espeak-ng speech from scripts/data/synth-speech.ts.
//   nice -n 10 npx tsx scripts/train/speech-rnnt.ts --minutes 70 --out models/speech
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { initBackend } from '../../services/ml/backend.js';
import { an4Train, fsdd, splitBySpeaker, synthesized, DEFAULT_AN4_DIR, DEFAULT_FSDD_DIR, DEFAULT_SYNTH_DIR, type Utterance } from '../../services/speech/data/corpora.js';
import { cachedLogMel } from '../../services/speech/data/feature-cache.js';
import { fitNormalizer, normalize } from '../../services/speech/data/features.js';
import { DEFAULT_RNNT_CONFIG } from '../../services/speech/model/rnnt-model.js';
import { loadCheckpoint, saveCheckpoint } from '../../services/speech/model/checkpoint.js';
import { SPEC_AUGMENT_POLICIES } from '../../services/speech/model/specaugment.js';
import { encodeText } from '../../services/speech/model/vocabulary.js';
import { trainRnnt, type Example } from '../../services/speech/rnnt-training.js';

const { values } = parseArgs({ options: {
  an4: { type: 'string', default: DEFAULT_AN4_DIR },
  fsdd: { type: 'string', default: DEFAULT_FSDD_DIR },
  synth: { type: 'string', default: DEFAULT_SYNTH_DIR },
  out: { type: 'string', default: 'models/speech' },
  minutes: { type: 'string', default: '60' },
  steps: { type: 'string' },
  units: { type: 'string', default: '192' },
  'prediction-units': { type: 'string', default: '128' },
  policy: { type: 'string', default: 'SM' },
  'augment-after': { type: 'string', default: '400' },
  lr: { type: 'string', default: '0.0015' },
  'batch-frames': { type: 'string', default: '6000' },
  seed: { type: 'string', default: '1' },
  'feature-cache': { type: 'string', default: 'data/speech/features' },
  resume: { type: 'string' },
} });

await initBackend();
const an4 = splitBySpeaker(an4Train(values.an4));
const sources: [string, Utterance[]][] = [['an4', an4.train], ['fsdd', fsdd('train', values.fsdd)], ['synth', synthesized(values.synth)]];
const started = Date.now();
const raw: { u: Utterance; frames: Float32Array; numFrames: number }[] = [];
for (const [name, list] of sources) {
  cachedLogMel(list, values['feature-cache']!, `train-${name}`).forEach((f, i) => raw.push({ u: list[i], ...f }));
}
// Resuming keeps the checkpoint's normalizer: the weights were trained on features scaled by it.
const resumed = values.resume ? loadCheckpoint(values.resume) : undefined;
const normalizer = resumed?.normalizer ?? fitNormalizer(raw.map((r) => r.frames));
const examples: Example[] = raw.map((r) => ({ id: r.u.id, features: normalize(r.frames, normalizer), numFrames: r.numFrames, labels: encodeText(r.u.text) }));
const hours = raw.reduce((s, r) => s + r.numFrames, 0) / 100 / 3600;
console.log(JSON.stringify({ msg: 'data', ...Object.fromEntries(sources.map(([n, l]) => [n, l.length])), an4_dev_held_out: an4.dev.length, hours: +hours.toFixed(2), feature_seconds: (Date.now() - started) / 1000 }));

const units = Number(values.units);
const config = resumed?.model.config ?? { ...DEFAULT_RNNT_CONFIG, encoderUnits: units, jointUnits: units, predictionUnits: Number(values['prediction-units']), embeddingSize: 32 };
const previousSteps = Number(resumed?.manifest.training?.steps ?? 0);
const training = { data: Object.fromEntries(sources.map(([n, l]) => [n, l.length])), hours, policy: values.policy, resumed_from_steps: previousSteps };
const save = (model: Parameters<typeof saveCheckpoint>[1], step: number) => {
  const facts = { ...training, steps: previousSteps + step, minutes: (Date.now() - started) / 60000 };
  saveCheckpoint(join(values.out!, 'fp32'), model, normalizer, { training: facts });
  saveCheckpoint(join(values.out!, 'int8'), model, normalizer, { int8: true, training: facts });
  console.log(JSON.stringify({ msg: 'checkpoint', step, out: values.out }));
};
const result = await trainRnnt(examples, {
  config,
  model: resumed?.model,
  maxMinutes: Number(values.minutes),
  maxSteps: values.steps ? Number(values.steps) : undefined,
  batchFrames: Number(values['batch-frames']),
  maxBatch: 32,
  learningRate: Number(values.lr),
  warmupSteps: 200,
  clipNorm: 5,
  policy: values.policy === 'none' ? undefined : SPEC_AUGMENT_POLICIES[values.policy as keyof typeof SPEC_AUGMENT_POLICIES],
  augmentAfterStep: Number(values['augment-after']),
  seed: Number(values.seed),
  checkpointEveryMinutes: 5,
  onCheckpoint: save,
  onLog: (e) => console.log(JSON.stringify({ msg: 'train', ...e, loss: +e.loss.toFixed(3), lossPerLabel: +e.lossPerLabel.toFixed(4) })),
});
console.log(JSON.stringify({ msg: 'done', steps: result.steps, loss: result.lastLoss, params: result.model.parameterCount() }));
