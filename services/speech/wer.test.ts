import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { characterErrorRate, wordMeasures, type Transform } from './wer.js';

const REFERENCE = new URL('../../../shared/reference/wer.json', import.meta.url);

interface Case { test: string; reference: string | string[]; hypothesis: string | string[]; transform: string; expected: Record<string, number> }

describe('WER/CER against jiwer 4.0 reference cases', function () {
  before(function () {
    if (!existsSync(REFERENCE)) {
      console.log(`skipping: ${REFERENCE.pathname} is absent`);
      this.skip();
    }
  });
  const load = () => JSON.parse(readFileSync(REFERENCE, 'utf8')) as { word_cases: Case[]; char_cases: Case[]; error_cases: Case[] };
  const transformOf = (name: string): Transform => (name.endsWith('contiguous') ? 'contiguous' : 'default');

  it('matches every word-level case (WER, MER, WIL, WIP)', () => {
    const { word_cases } = load();
    assert.ok(word_cases.length >= 70);
    for (const c of word_cases) {
      const got = wordMeasures(c.reference, c.hypothesis, transformOf(c.transform));
      for (const key of ['wer', 'mer', 'wil', 'wip'] as const) {
        if (c.expected[key] === undefined) continue;
        assert.ok(Math.abs(got[key] - c.expected[key]) < 1e-12, `${c.test} ${key}: ${got[key]} vs ${c.expected[key]} (${JSON.stringify(c.reference)} / ${JSON.stringify(c.hypothesis)})`);
      }
    }
  });

  it('matches every character-level case', () => {
    const { char_cases } = load();
    assert.ok(char_cases.length >= 30);
    for (const c of char_cases) {
      const got = characterErrorRate(c.reference, c.hypothesis, transformOf(c.transform));
      assert.ok(Math.abs(got - c.expected.cer) < 1e-12, `${c.test}: ${got} vs ${c.expected.cer}`);
    }
  });

  it('rejects different sentence counts', () => {
    for (const c of load().error_cases) {
      assert.throws(() => (c.transform.startsWith('cer') ? characterErrorRate(c.reference, c.hypothesis) : wordMeasures(c.reference, c.hypothesis)), RangeError);
    }
  });
});
