import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { initBackend, tf } from '../../ml/backend.js';
import { rnntLoss, transducerLattice } from './rnnt-loss.js';

const REFERENCE = new URL('../../../../shared/reference/rnnt_loss.json', import.meta.url);

type Nested = number | Nested[];
interface Case { name: string; [key: string]: unknown }
const flat = (x: unknown): number[] => (Array.isArray(x) ? (x as Nested[]).flatMap(flat) : [x as number]);
const dims = (x: unknown): number[] => (Array.isArray(x) ? [x.length, ...dims(x[0])] : []);

function closeAll(got: ArrayLike<number>, want: number[], tol: number, what: string) {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= tol, `${what}[${i}]: ${got[i]} vs ${want[i]}`);
}

describe('RNN-T loss against torchaudio / warp-transducer reference vectors', function () {
  let cases: Case[] = [];
  before(async function () {
    if (!existsSync(REFERENCE)) {
      console.log(`skipping: ${REFERENCE.pathname} is absent`);
      this.skip();
    }
    await initBackend();
    cases = (JSON.parse(readFileSync(REFERENCE, 'utf8')) as { cases: Case[] }).cases;
  });
  const byName = (name: string) => cases.find((c) => c.name === name)!;
  const blankOf = (c: Case, V: number) => ((c.blank as number) < 0 ? V + (c.blank as number) : (c.blank as number));

  for (const name of ['torchaudio_B1_T2_U3_D5', 'torchaudio_B2_T4_U3_D3']) {
    it(`${name}: costs and logit gradients through tf.grad`, () => {
      const c = byName(name);
      const shape = dims(c.logits) as [number, number, number, number];
      const logits = tf.tensor4d(flat(c.logits), shape);
      const batch = { targets: c.targets as number[][], logitLengths: c.logit_lengths as number[], blank: blankOf(c, shape[3]) };
      closeAll(rnntLoss(logits, batch).dataSync(), c.expected_costs as number[], 1e-5, 'cost');
      const grad = tf.grad((z: tf.Tensor) => rnntLoss(z as tf.Tensor4D, batch).sum())(logits);
      closeAll(grad.dataSync(), flat(c.expected_gradients), 3e-6, 'gradient');
    });
  }

  for (const name of ['warp_transducer_master_small_test', 'warp_transducer_master_options_test']) {
    it(`${name}: costs (and gradients w.r.t. log-probs) with blank 0`, () => {
      const c = byName(name);
      const shape = dims(c.acts) as [number, number, number, number];
      const logProbs = tf.logSoftmax(tf.tensor4d(flat(c.acts), shape)).dataSync() as Float32Array;
      const batch = { targets: c.targets as number[][], logitLengths: c.input_lengths as number[], blank: blankOf(c, shape[3]) };
      const { costs, gradients } = transducerLattice(logProbs, shape, batch, false);
      closeAll(costs, c.expected_costs as number[], 1e-4, 'cost');
      if (c.expected_gradients) closeAll(gradients, flat(c.expected_gradients), 1e-4, 'gradient');
    });
  }

  it('warp_transducer_add_network_options_test: factored joint, gradients flow back through the broadcast add', () => {
    const c = byName('warp_transducer_add_network_options_test');
    const trans = tf.tensor3d(flat(c.trans_acts), dims(c.trans_acts) as [number, number, number]);
    const pred = tf.tensor3d(flat(c.pred_acts), dims(c.pred_acts) as [number, number, number]);
    const V = trans.shape[2];
    const batch = { targets: c.targets as number[][], logitLengths: c.input_lengths as number[], blank: blankOf(c, V) };
    const loss = (a: tf.Tensor, p: tf.Tensor) => rnntLoss(a.expandDims(2).add(p.expandDims(1)) as tf.Tensor4D, batch);
    closeAll(loss(trans, pred).dataSync(), c.expected_costs as number[], 1e-3, 'cost');
    const [gTrans, gPred] = tf.grads((a: tf.Tensor, p: tf.Tensor) => loss(a, p).sum())([trans, pred]);
    closeAll(gTrans.dataSync(), flat(c.expected_trans_grads), 1e-4, 'trans gradient');
    closeAll(gPred.dataSync(), flat(c.expected_pred_grads), 1e-4, 'pred gradient');
  });

  it('ignores lattice cells past a shorter sequence (gradient exactly zero there)', () => {
    const c = byName('torchaudio_B2_T4_U3_D3');
    const shape = dims(c.logits) as [number, number, number, number];
    const logits = tf.tensor4d(flat(c.logits), shape);
    const batch = { targets: [[1], [1, 1]], logitLengths: [2, 4], blank: 0 };
    const g = tf.grad((z: tf.Tensor) => rnntLoss(z as tf.Tensor4D, batch).sum())(logits).arraySync() as number[][][][];
    assert.deepEqual(flat(g[0][2]), [0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(flat(g[0][0][2]), [0, 0, 0]);
  });
});
