import assert from 'node:assert/strict';
import { DEFAULT_MIX, parseMix } from './training-data.js';

describe('speech training source mix', () => {
  it('parses source=weight lists, keeping the default weight of sources left out', () => {
    assert.deepEqual(parseMix(''), DEFAULT_MIX);
    assert.deepEqual(parseMix('fsdd=1,an4=3'), { ...DEFAULT_MIX, an4: 3, fsdd: 1 });
  });

  for (const bad of ['timit=1', 'an4=-1', 'an4', 'fsdd=x']) {
    it(`rejects "${bad}"`, () => {
      assert.throws(() => parseMix(bad), /mix: expected source=weight/);
    });
  }
});
