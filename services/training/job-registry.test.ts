// Job types are collected from `services/<service>/jobs.ts`; a broken module is reported and skipped.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { JobRegistry, loadJobRegistry, loadJobType, UnknownJobTypeError } from './job-registry.js';
import { demoRegression } from './demo-regression.js';
import { tempDataDir } from './training-test-harness.js';

describe('job registry', () => {
  const fixture = tempDataDir();
  before(() => {
    const write = (service: string, source: string) => {
      mkdirSync(path.join(fixture.dir, service), { recursive: true });
      writeFileSync(path.join(fixture.dir, service, 'jobs.ts'), source);
    };
    const type = (name: string) => `{ name: '${name}', description: 'd', validate: (s) => s, run: async () => ({}) }`;
    write('alpha', `export const jobTypes = [${type('alpha.one')}, ${type('alpha.two')}];`);
    write('beta', `throw new Error('beta is broken');`);
    write('gamma', `export const somethingElse = 1;`);
    mkdirSync(path.join(fixture.dir, 'delta'));
  });
  after(() => fixture.remove());

  it('collects every service module, reporting the broken ones', async () => {
    const errors: string[] = [];
    const registry = await loadJobRegistry((module, error) => errors.push(`${module}: ${(error as Error).message}`), fixture.dir);
    assert.deepEqual(registry.list().map((t) => t.name), ['alpha.one', 'alpha.two']);
    assert.equal(errors.length, 2);
    assert.match(errors[0], /^beta\/jobs.ts: beta is broken/);
    assert.match(errors[1], /^gamma\/jobs.ts: .*does not export a jobTypes array/);
  });

  it('a worker loads one type from its service module alone', async () => {
    assert.equal((await loadJobType('alpha.two', fixture.dir)).name, 'alpha.two');
    assert.equal((await loadJobType('training.demo-regression')).name, 'training.demo-regression');
    await assert.rejects(loadJobType('alpha.three', fixture.dir), UnknownJobTypeError);
    await assert.rejects(loadJobType('../etc.passwd', fixture.dir), UnknownJobTypeError);
  });

  it('refuses a name registered twice and answers unknown names with UnknownJobTypeError', () => {
    const registry = new JobRegistry().register(demoRegression);
    assert.throws(() => registry.register(demoRegression), /registered twice/);
    assert.throws(() => registry.get('training.nothing'), UnknownJobTypeError);
  });
});
