// Suggestions and the median stopping rule, without a server.
import assert from 'node:assert/strict';
import { medianStop } from './median-stop.js';
import { gridSize, suggest, validateSearchSpace } from './search-space.js';
import { StudyConfigError, type ParameterSpec } from './study-config.js';

const space: ParameterSpec[] = [
  { name: 'learningRate', domain: { kind: 'double', min: 1e-4, max: 1, logScale: true, step: 1 } },
  { name: 'hidden', domain: { kind: 'int', min: 2, max: 5, logScale: false } },
  { name: 'act', domain: { kind: 'categorical', values: ['relu', 'tanh'] } },
];

describe('search space', () => {
  it('enumerates the grid with the last parameter fastest', () => {
    assert.equal(gridSize(space), 5 * 4 * 2);
    assert.deepEqual(suggest({ parameters: space, algorithm: 'grid', seed: 0 }, 0), { learningRate: 1e-4, hidden: 2, act: 'relu' });
    assert.deepEqual(suggest({ parameters: space, algorithm: 'grid', seed: 0 }, 1), { learningRate: 1e-4, hidden: 2, act: 'tanh' });
    const last = suggest({ parameters: space, algorithm: 'grid', seed: 0 }, 39);
    assert.equal(last.hidden, 5);
    assert.ok(Math.abs((last.learningRate as number) - 1) < 1e-12);
  });

  it('draws reproducible random points inside the domain, log-uniformly where asked', () => {
    const points = Array.from({ length: 400 }, (_, i) => suggest({ parameters: space, algorithm: 'random', seed: 7 }, i));
    assert.deepEqual(points[3], suggest({ parameters: space, algorithm: 'random', seed: 7 }, 3), 'same seed and index, same point');
    assert.notDeepEqual(points[3], suggest({ parameters: space, algorithm: 'random', seed: 8 }, 3));
    const lrs = points.map((p) => p.learningRate as number);
    assert.ok(lrs.every((v) => v >= 1e-4 && v <= 1));
    // Log-uniform over four decades: about a quarter of the draws fall below 1e-3 (uniform would give 0.1%).
    const below = lrs.filter((v) => v < 1e-3).length / lrs.length;
    assert.ok(below > 0.15 && below < 0.35, `fraction below 1e-3: ${below}`);
    assert.deepEqual([...new Set(points.map((p) => p.hidden))].sort(), [2, 3, 4, 5]);
    assert.deepEqual([...new Set(points.map((p) => p.act))].sort(), ['relu', 'tanh']);
  });

  it('names the field of a bad search space', () => {
    const bad = (parameters: ParameterSpec[], algorithm: 'grid' | 'random' = 'random', maxTrials = 1) => {
      try {
        validateSearchSpace({ parameters, algorithm, maxTrials });
        return 'ok';
      } catch (e) {
        return (e as StudyConfigError).field;
      }
    };
    assert.equal(bad([]), 'study.parameters');
    assert.equal(bad([{ name: 'x', domain: { kind: 'double', min: 0, max: 1, logScale: true, step: 0 } }]), 'study.parameters[0].double_domain.min');
    assert.equal(bad([{ name: 'x', domain: { kind: 'int', min: 3, max: 1, logScale: false } }]), 'study.parameters[0].int_domain.max');
    assert.equal(bad([{ name: 'x', domain: { kind: 'double', min: 0, max: 1, logScale: false, step: 0 } }], 'grid'), 'study.parameters[0].double_domain.step');
    assert.equal(bad(space.slice(1), 'grid', 9), 'study.max_trials');
    assert.equal(bad([space[2], space[2]]), 'study.parameters[1].name');
  });
});

describe('median stopping rule', () => {
  const series = (values: number[]) => values.map((value, i) => ({ step: i + 1, value }));
  const rule = { minTrialsRequired: 3, startStep: 2 };
  const completed = [series([4, 2, 1, 0.5]), series([4, 3, 2, 1]), series([5, 2, 1, 1])];

  it('stops a trial whose best is worse than the median running average', () => {
    // Running averages at step 3: 7/3, 3, 8/3 → median 8/3; the trial's best by step 3 is 3.5.
    const decision = medianStop(series([4, 3.8, 3.5]), completed, 'minimize', rule);
    assert.equal(decision.stop, true);
    assert.match(decision.reason, /median 2.667/);
  });

  it('keeps a trial that is better than the median, too early, or with too few completed trials', () => {
    assert.equal(medianStop(series([4, 2, 1]), completed, 'minimize', rule).stop, false);
    assert.equal(medianStop(series([9]), completed, 'minimize', rule).stop, false, 'before start_step');
    assert.equal(medianStop(series([9, 9, 9]), completed.slice(0, 2), 'minimize', rule).stop, false, 'two completed trials < 3 required');
  });

  it('mirrors for maximization', () => {
    const negate = (s: { step: number; value: number }[]) => s.map((p) => ({ ...p, value: -p.value }));
    assert.equal(medianStop(negate(series([4, 3.8, 3.5])), completed.map(negate), 'maximize', rule).stop, true);
    assert.equal(medianStop(negate(series([4, 2, 1])), completed.map(negate), 'maximize', rule).stop, false);
  });
});
