// The Transfusion study (Raghu et al. 2019, "Transfusion: Understanding Transfer Learning for Medical
// Imaging"): CBR nets and a small ResNet fine-tuned on PneumoniaMNIST from four inits — random (He), transfer
// (pretrained on a natural-image-like 10-class set, here Fashion-MNIST or MNIST), Mean-Var (i.i.d. with each
// pretrained layer's mean and variance) and Gabor (synthetic first-layer filters) — compared by test AUC, steps to a target
// validation AUC, and per-layer SVCCA of representations before vs after fine-tuning and across inits.
import { tf } from '../ml/backend.js';
import { rocAuc } from './auc.js';
import type { Dataset, ImageSet, PneumoniaSplits } from './datasets.js';
import { gaborFilters, meanVarLike, seededRandom } from './inits.js';
import { batchTensors, blockCount, blockProbe, buildTransfusionNet, predictAll, type TransfusionModel } from './models.js';
import { stepsToTarget, type CurvePoint } from './steps-to-target.js';
import { svcca } from './svcca.js';
import { mat, type Mat } from '../ml/linalg64.js';
import type { StudyHooks } from './dataparallel.js';

export const INITS = ['random', 'transfer', 'meanvar', 'gabor'] as const;
export type InitName = (typeof INITS)[number];

export interface TransfusionOptions {
  models: TransfusionModel[];
  inits: InitName[];
  pretrainSteps: number;
  fineTuneSteps: number;
  batchSize: number;
  learningRate: number;
  evalEvery: number;
  targetAuc: number;
  /** Test images whose block activations SVCCA compares. */
  svccaExamples: number;
  seed: number;
}

export interface InitResult {
  model: TransfusionModel;
  init: InitName;
  testAuc: number;
  stepsToTargetAuc: number | null;
  valCurve: CurvePoint[];
  /** SVCCA (mean canonical correlation) per block between the initial and the fine-tuned network. */
  svccaBeforeAfter: number[];
  /** SVCCA per block between this fine-tuned network and the fine-tuned random-init one. */
  svccaVsRandom: number[] | null;
}

export interface TransfusionResult {
  pretrainAccuracy: Record<string, number>;
  results: InitResult[];
}

async function train(model: tf.LayersModel, set: ImageSet, classes: number, steps: number, o: TransfusionOptions, seed: number, hooks: StudyHooks, onEval?: (step: number) => void): Promise<void> {
  const opt = tf.train.adam(o.learningRate);
  const random = seededRandom(seed);
  try {
    for (let step = 1; step <= steps; step++) {
      if (hooks.signal?.aborted) throw new Error('cancelled');
      const idx = Array.from({ length: o.batchSize }, () => Math.floor(random() * set.labels.length));
      const { x, y } = batchTensors(set, idx, classes);
      opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar);
      tf.dispose([x, y]);
      if (onEval && (step % o.evalEvery === 0 || step === steps)) onEval(step);
    }
  } finally {
    opt.dispose();
  }
}

/** AUC of the pneumonia class from 2-class logits (score = logit₁ − logit₀). */
export function setAuc(model: tf.LayersModel, set: ImageSet): number {
  const logits = predictAll(model, set);
  const scores = Float64Array.from({ length: set.labels.length }, (_, i) => logits[2 * i + 1] - logits[2 * i]);
  return rocAuc(scores, set.labels);
}

function blockActivations(model: tf.LayersModel, set: ImageSet, depth: number): Mat[] {
  const probe = blockProbe(model, depth);
  const { x, y } = batchTensors(set, Array.from(set.labels.keys()), 2);
  const outs = probe.predict(x) as tf.Tensor[];
  const mats = outs.map((t) => mat(t.shape[0]!, t.shape[1]!, t.dataSync()));
  tf.dispose([x, y, ...outs]);
  return mats;
}

function subset(set: ImageSet, n: number): ImageSet {
  const m = Math.min(n, set.labels.length), size = set.height * set.width * set.channels;
  return { ...set, images: set.images.subarray(0, m * size), labels: set.labels.subarray(0, m) };
}

const isConv = (l: tf.layers.Layer) => l.getClassName() === 'Conv2D';
const isBn = (l: tf.layers.Layer) => l.getClassName() === 'BatchNormalization';

/** Set the init's weights on a fresh 2-class net from the pretrained 10-class one (same architecture). */
export function applyInit(target: tf.LayersModel, pretrained: tf.LayersModel, init: InitName, seed: number): void {
  tf.tidy(() => setInitWeights(target, pretrained, init, seed)); // variables keep the values assigned
}

function setInitWeights(target: tf.LayersModel, pretrained: tf.LayersModel, init: InitName, seed: number): void {
  const random = seededRandom(seed);
  for (const layer of pretrained.layers) {
    // transfer: every conv and BN layer (all but the head); Mean-Var: every conv kernel, BN at its default.
    if (init === 'transfer' && (isConv(layer) || isBn(layer))) target.getLayer(layer.name).setWeights(layer.getWeights());
    if (init === 'meanvar' && isConv(layer)) {
      const [kernel] = layer.getWeights();
      target.getLayer(layer.name).setWeights([tf.tensor(meanVarLike(kernel.dataSync(), random), kernel.shape)]);
    }
  }
  if (init === 'gabor') {
    const first = target.getLayer('conv1'), [k, , channels, count] = first.getWeights()[0].shape;
    first.setWeights([tf.tensor4d(gaborFilters(k, channels, count, random), [k, k, channels, count])]);
  }
}

export async function runTransfusion(data: PneumoniaSplits, source: Dataset, o: TransfusionOptions, hooks: StudyHooks = {}): Promise<TransfusionResult> {
  const results: InitResult[] = [];
  const pretrainAccuracy: Record<string, number> = {};
  const svccaSet = subset(data.test, o.svccaExamples);
  const total = o.models.length * (1 + o.inits.length);
  let done = 0;
  for (const name of o.models) {
    const depth = blockCount(name);
    const pretrained = buildTransfusionNet(name, source.train.classes, o.seed);
    await train(pretrained, source.train, source.train.classes, o.pretrainSteps, o, o.seed, hooks);
    const logits = predictAll(pretrained, source.test);
    let right = 0;
    source.test.labels.forEach((l, i) => {
      const row = logits.subarray(i * 10, i * 10 + 10);
      if (row.indexOf(Math.max(...row)) === l) right++;
    });
    pretrainAccuracy[name] = right / source.test.labels.length;
    await hooks.progress?.(++done / total);
    let randomFinal: Mat[] | null = null;
    for (const init of o.inits) {
      const model = buildTransfusionNet(name, 2, o.seed + 1000);
      applyInit(model, pretrained, init, o.seed + 2000);
      const before = blockActivations(model, svccaSet, depth);
      const valCurve: CurvePoint[] = [];
      await train(model, data.train, 2, o.fineTuneSteps, o, o.seed + 3000, hooks, (step) => {
        valCurve.push({ step, value: setAuc(model, data.val) });
      });
      const after = blockActivations(model, svccaSet, depth);
      if (init === 'random') randomFinal = after;
      const r: InitResult = {
        model: name, init, testAuc: setAuc(model, data.test), stepsToTargetAuc: stepsToTarget(valCurve, o.targetAuc), valCurve,
        svccaBeforeAfter: before.map((b, l) => svcca(b, after[l]).mean),
        svccaVsRandom: randomFinal && init !== 'random' ? after.map((a, l) => svcca(a, randomFinal![l]).mean) : null,
      };
      results.push(r);
      await hooks.metrics?.({ test_auc: r.testAuc, steps_to_target_auc: r.stepsToTargetAuc ?? -1 }, results.length);
      await hooks.progress?.(++done / total);
      model.dispose();
    }
    pretrained.dispose();
  }
  return { pretrainAccuracy, results };
}
