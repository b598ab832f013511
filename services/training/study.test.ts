// A Katib-style study through grpc-js: grid search over learning rate and seed, median-stop early stopping a
// trial whose learning rate is far too small, WatchStudy following it to the end.
import assert from 'node:assert/strict';
import { status as Status } from '@grpc/grpc-js';
import { JobState } from '../../gen/nnsuite/common/v1/job_pb.js';
import { ObjectiveGoal, SearchAlgorithm, StudyState, TrainingService } from '../../gen/nnsuite/training/v1/training_pb.js';
import { collect } from '../runtime/testing.js';
import { useTestServer } from './training-test-harness.js';

const rpc = TrainingService.method;

const study = {
  trialType: 'training.demo-regression',
  // Full-batch steps so each trial's loss curve is smooth.
  baseSpec: { steps: 40, samples: 128, batchSize: 128 },
  objective: { metricName: 'loss', goal: ObjectiveGoal.MINIMIZE },
  parameters: [
    { name: 'learningRate', domain: { case: 'categoricalDomain' as const, value: { values: { values: [{ kind: { case: 'numberValue' as const, value: 0.1 } }, { kind: { case: 'numberValue' as const, value: 1e-6 } }] } } } },
    { name: 'seed', domain: { case: 'intDomain' as const, value: { min: 1n, max: 3n } } },
  ],
  algorithm: SearchAlgorithm.GRID,
  parallelism: 1,
  maxTrials: 4,
  medianStop: { minTrialsRequired: 3, startStep: 10n },
};

describe('studies', function () {
  this.timeout(600_000);
  const t = useTestServer();

  it('stops the bad trial early by the median rule and picks the best trial', async () => {
    const created = await t.client.unary(rpc.createStudy, { study });
    assert.equal(created.state, StudyState.RUNNING);
    assert.equal(created.trials.length, 1, 'parallelism 1');
    const updates = await collect(t.client.serverStream(rpc.watchStudy, { name: created.name }));
    const final = updates.at(-1)!.study!;
    assert.equal(final.state, StudyState.SUCCEEDED);
    assert.equal(final.trials.length, 4);
    assert.deepEqual(
      final.trials.map((tr) => [tr.parameters!.learningRate, tr.parameters!.seed, JobState[tr.state], tr.earlyStopped]),
      [
        [0.1, 1, 'SUCCEEDED', false],
        [0.1, 2, 'SUCCEEDED', false],
        [0.1, 3, 'SUCCEEDED', false],
        [1e-6, 1, 'CANCELLED', true],
      ],
    );
    const stopped = await t.client.unary(rpc.getJob, { name: final.trials[3].job });
    assert.match(stopped.error, /median stopping rule/);
    assert.ok(stopped.metrics.length < 40, `stopped before its last step (${stopped.metrics.length} points)`);
    const best = final.trials.reduce((b, tr) => (tr.state === JobState.SUCCEEDED && tr.objectiveValue! < b.objectiveValue! ? tr : b));
    assert.equal(final.bestTrial, best.job);
    const trialsAsJobs = await t.client.unary(rpc.listJobs, { study: created.name });
    assert.equal(trialsAsJobs.jobs.length, 4);
  });

  it('fails once more trials fail than max_failed_trials allows, cancelling the rest', async () => {
    const diverging = {
      ...study,
      // A linear model with learning rate 100 diverges at once: every trial fails on its own.
      baseSpec: { steps: 50, hidden: 0, learningRate: 100 },
      parameters: [{ name: 'seed', domain: { case: 'intDomain' as const, value: { min: 1n, max: 1000n } } }],
      algorithm: SearchAlgorithm.RANDOM,
      seed: 5n,
      parallelism: 2,
      maxTrials: 6,
      maxFailedTrials: 0,
      medianStop: undefined,
    };
    const created = await t.client.unary(rpc.createStudy, { study: diverging });
    assert.equal(created.trials.length, 2, 'parallelism 2');
    const final = (await collect(t.client.serverStream(rpc.watchStudy, { name: created.name }))).at(-1)!.study!;
    assert.equal(final.state, StudyState.FAILED);
    assert.ok(final.trials.length < 6, 'no trials started after the failure');
    assert.ok(final.trials.some((tr) => tr.state === JobState.FAILED));
    assert.ok(final.trials.every((tr) => tr.state === JobState.FAILED || tr.state === JobState.CANCELLED));
    assert.equal(final.bestTrial, '');
  });

  it('rejects a bad study naming the field', async () => {
    const code = (p: Promise<unknown>) => p.then(() => 'OK', (e) => `${Status[e.code]} ${decodeURIComponent(e.details)}`);
    assert.match(await code(t.client.unary(rpc.createStudy, { study: { ...study, trialType: 'nope.x' } })), /^INVALID_ARGUMENT study.trial_type: unknown job type/);
    assert.match(await code(t.client.unary(rpc.createStudy, { study: { ...study, baseSpec: { steps: 0 } } })), /^INVALID_ARGUMENT study.base_spec.steps: must be in/);
    assert.match(await code(t.client.unary(rpc.createStudy, { study: { ...study, maxTrials: 7 } })), /^INVALID_ARGUMENT study.max_trials: exceeds the 6 points of the grid/);
    assert.match(await code(t.client.unary(rpc.createStudy, { study: { ...study, objective: { metricName: 'loss' } } })), /^INVALID_ARGUMENT study.objective.goal/);
  });
});
