import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav } from '../ml/audio/wav.js';
import { JobSpecError, localJobContext } from '../ml/job-type.js';
import { jobTypes, rnntJob } from './jobs.js';
import { loadCheckpoint } from './model/checkpoint.js';
import { synthesizeTestUtterances } from './test-fixtures.js';

describe('speech job types', () => {
  it('registers speech.rnnt with defaults for every field', () => {
    assert.deepEqual(jobTypes.map((t) => t.name), ['speech.rnnt']);
    const spec = rnntJob.validate({ minutes: 5 });
    assert.equal(spec.minutes, 5);
    assert.equal(spec.policy, 'SM');
    assert.equal(spec.an4Dir, '../shared/data/an4');
    assert.equal(spec.resumeFrom, undefined);
    assert.equal(spec.dropout, 0);
    assert.equal(rnntJob.validate({ dropout: 0.2 }).dropout, 0.2);
    assert.deepEqual(rnntJob.validate({ mix: 'fsdd=1' }).mix, { an4: 2, fsdd: 1, synth: 1, an4sp: 0 });
  });

  for (const [spec, field] of [[{ minutes: -1 }, 'minutes'], [{ policy: 'XL' }, 'policy'], [{ an4Dir: '' }, 'an4Dir'], [{ resumeFrom: 3 }, 'resumeFrom'],
    [{ augmentAfterStep: 0.5 }, 'augmentAfterStep'], [{ dropout: 1 }, 'dropout'], [{ dropout: -0.1 }, 'dropout'], [{ mix: 'libri=1' }, 'mix'], [null, 'spec']] as const) {
    it(`rejects ${JSON.stringify(spec)} naming ${field}`, () => {
      assert.throws(() => rnntJob.validate(spec), (e: unknown) => e instanceof JobSpecError && e.field === field);
    });
  }

  describe('training and resuming (tiny corpus written here in the AN4 and FSDD layouts)', function () {
    this.timeout(120_000);
    let root: string;
    before(async () => {
      root = mkdtempSync(join(tmpdir(), 'speech-job-'));
      const [yes, noGo, stop] = await synthesizeTestUtterances();
      // AN4 ids name the speaker; splitBySpeaker holds out the first speaker ("aaa") as dev.
      const an4 = [['an1-aaa-b', yes], ['an2-bbb-b', noGo], ['an3-bbb-b', stop], ['an4-bbb-b', yes]] as const;
      mkdirSync(join(root, 'an4/train/wav'), { recursive: true });
      for (const [id, u] of an4) writeFileSync(join(root, 'an4/train/wav', `${id}.wav`), encodeWav(u.samples, 16000));
      writeFileSync(join(root, 'an4/train/transcription.txt'), an4.map(([id, u]) => `<s> ${u.text.toUpperCase()} </s> (${id})`).join('\n'));
      mkdirSync(join(root, 'fsdd/recordings'), { recursive: true });
      writeFileSync(join(root, 'fsdd/recordings/2_tester_7.wav'), encodeWav(noGo.samples, 16000)); // index 7: train split
    });
    after(() => rmSync(root, { recursive: true, force: true }));

    it('writes fp32/int8 checkpoints, and a resumed run keeps the config and normalizer and counts steps on', async () => {
      const base = { an4Dir: join(root, 'an4'), fsddDir: join(root, 'fsdd'), synthDir: join(root, 'none'), encoderUnits: 16, predictionUnits: 16, mix: 'an4=1,fsdd=1', policy: 'SM', augmentAfterStep: 1, dropout: 0.2 };
      const first = await rnntJob.run(rnntJob.validate({ ...base, maxSteps: 2 }), localJobContext(join(root, 'run1')));
      assert.equal(first.steps, 2);
      const firstModel = loadCheckpoint(join(root, 'run1/fp32'));
      assert.equal(firstModel.model.config.encoderUnits, 16);

      const second = await rnntJob.run(rnntJob.validate({ ...base, encoderUnits: 32, maxSteps: 3, resumeFrom: join(root, 'run1/fp32') }), localJobContext(join(root, 'run2')));
      assert.equal(second.steps, 5);
      const resumed = loadCheckpoint(join(root, 'run2/fp32'));
      assert.equal(resumed.model.config.encoderUnits, 16, 'the checkpoint config wins over the spec');
      assert.deepEqual(resumed.normalizer, firstModel.normalizer);
      assert.equal(resumed.manifest.training?.steps, 5);
      assert.equal((resumed.manifest.training?.resumedFrom as { steps: number }).steps, 2);
      assert.equal(loadCheckpoint(join(root, 'run2/int8')).manifest.training?.steps, 5);
      for (const m of [firstModel, resumed]) m.model.dispose();
    });
  });
});
