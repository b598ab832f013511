import assert from 'node:assert/strict';
import { JobSpecError } from '../ml/job-type.js';
import { jobTypes, rnntJob } from './jobs.js';

describe('speech job types', () => {
  it('registers speech.rnnt with defaults for every field', () => {
    assert.deepEqual(jobTypes.map((t) => t.name), ['speech.rnnt']);
    const spec = rnntJob.validate({ minutes: 5 });
    assert.equal(spec.minutes, 5);
    assert.equal(spec.policy, 'none');
    assert.equal(spec.an4Dir, '../shared/data/an4');
  });

  for (const [spec, field] of [[{ minutes: -1 }, 'minutes'], [{ policy: 'XL' }, 'policy'], [{ an4Dir: '' }, 'an4Dir'], [null, 'spec']] as const) {
    it(`rejects ${JSON.stringify(spec)} naming ${field}`, () => {
      assert.throws(() => rnntJob.validate(spec), (e: unknown) => e instanceof JobSpecError && e.field === field);
    });
  }
});
