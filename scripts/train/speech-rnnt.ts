// Train the speech service's RNN transducer end to end and write fp32 and int8 checkpoints that
// services/speech loads (NNSUITE_SPEECH_MODEL_DIR, default models/speech): the `speech.rnnt` job run in process.
//   NNSUITE_TF_BACKEND=wasm npx tsx scripts/train/speech-rnnt.ts --minutes 60 --out models/speech [--resume models/speech/fp32]
// Sources are weighted per epoch by --mix (default an4=2,fsdd=0.3,synth=1,an4sp=0; an4sp=1 adds AN4 speed-perturbed
// by 0.9 and 1.1; see training-data.ts). Prints one JSON line per log entry; the last line is the job's result.
import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { localJobContext } from '../../services/ml/job-type.js';
import { DEFAULT_AN4_DIR, DEFAULT_FSDD_DIR, DEFAULT_SYNTH_DIR } from '../../services/speech/data/corpora.js';
import { rnntJob } from '../../services/speech/jobs.js';

const { values } = parseArgs({ options: {
  an4: { type: 'string', default: DEFAULT_AN4_DIR },
  fsdd: { type: 'string', default: DEFAULT_FSDD_DIR },
  synth: { type: 'string', default: DEFAULT_SYNTH_DIR },
  'feature-cache': { type: 'string', default: 'data/speech/features' },
  out: { type: 'string', default: 'models/speech' },
  minutes: { type: 'string', default: '60' },
  steps: { type: 'string' },
  units: { type: 'string' },
  'prediction-units': { type: 'string' },
  policy: { type: 'string' },
  'augment-after': { type: 'string' },
  lr: { type: 'string' },
  dropout: { type: 'string' },
  warmup: { type: 'string' },
  'batch-frames': { type: 'string' },
  mix: { type: 'string' },
  seed: { type: 'string' },
  resume: { type: 'string' },
} });

const number = (v: string | undefined) => (v === undefined ? undefined : Number(v));
const spec = rnntJob.validate({
  an4Dir: values.an4, fsddDir: values.fsdd, synthDir: values.synth, featureCache: values['feature-cache'], resumeFrom: values.resume,
  minutes: number(values.minutes), maxSteps: number(values.steps), encoderUnits: number(values.units), predictionUnits: number(values['prediction-units']),
  policy: values.policy, augmentAfterStep: number(values['augment-after']), dropout: number(values.dropout), learningRate: number(values.lr), warmupSteps: number(values.warmup),
  batchFrames: number(values['batch-frames']), mix: values.mix, seed: number(values.seed),
});
mkdirSync(values.out!, { recursive: true });
const result = await rnntJob.run(spec, localJobContext(values.out!, {
  log: (msg, fields) => console.log(JSON.stringify({ msg, ...fields })),
  reportMetrics: async (v, step) => console.log(JSON.stringify({ msg: 'train', step, ...v })),
}));
console.log(JSON.stringify({ msg: 'done', ...result }));
