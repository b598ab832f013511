// `helm lint --strict` (values.schema.json included) for the default values and the ci/ profiles, and the
// schema refusing values that would otherwise render a broken deployment.
import assert from 'node:assert/strict';
import { CHART_DIR, helm, helmOrSkip, PROFILES, type ProfileName } from './helm.js';

describe('charts/nnsuite: helm lint and values.schema.json', function () {
  let helmBin: string;

  before(async function () {
    helmBin = await helmOrSkip(this);
  });

  for (const profile of Object.keys(PROFILES) as ProfileName[]) {
    it(`lints clean with --strict for the ${profile} values`, async () => {
      const result = await helm(helmBin, ['lint', '--strict', CHART_DIR, ...PROFILES[profile].flatMap((f) => ['-f', f])]);
      assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
      assert.match(result.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
      assert.doesNotMatch(result.stdout, /\[(WARNING|ERROR)\]/);
    });
  }

  const badValues: [string, string[], RegExp][] = [
    ['a GPU count below zero', ['retrieval.gpus=-1'], /retrieval\/gpus/],
    ['an unknown tfjs backend', ['tfBackend=cuda'], /tfBackend/],
    ['a port out of range', ['gateway.containerPorts.grpc=70000'], /gateway\/containerPorts\/grpc/],
    ['a misspelt key', ['speech.replicas=2'], /speech/],
    ['an executor the orchestrator lacks', ['training.executor=slurm'], /training\/executor/],
    ['a non-boolean switch', ['gpu.enabled=yes'], /gpu\/enabled/],
    ['a malformed resource quantity', ['ntk.resources.limits.memory=lots'], /ntk\/resources\/limits\/memory/],
  ];
  for (const [what, set, where] of badValues) {
    it(`rejects ${what} (${set.join(' ')})`, async () => {
      const result = await helm(helmBin, ['template', 'nns', CHART_DIR, ...set.flatMap((s) => ['--set', s])]);
      assert.notEqual(result.code, 0, `rendered although ${set.join(' ')} is invalid`);
      assert.match(result.stderr, /schema/i, result.stderr);
      assert.match(result.stderr, where, result.stderr);
    });
  }

  it('accepts the same keys with valid values (the rejections above are about the values)', async () => {
    const result = await helm(helmBin, ['template', 'nns', CHART_DIR, '--set', 'retrieval.gpus=2', '--set', 'tfBackend=wasm', '--set', 'speech.replicaCount=2', '--set', 'training.executor=local', '--set', 'ntk.resources.limits.memory=3Gi']);
    assert.equal(result.code, 0, result.stderr);
  });
});
