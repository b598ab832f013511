import assert from 'node:assert/strict';
import { isHeldOutSentence, phonemize, digitSentence } from '../../scripts/data/parrotron-text.js';
import { transliterate, HELD_OUT_SPEAKERS, TRAIN_SPEAKERS } from '../../scripts/data/parrotron-speakers.js';
import { seededRandom } from '../speech/model/specaugment.js';
import { phonemeVocabulary, toExamples } from './parallel-data.js';
import { synthesizeTestPairs } from './test-fixtures.js';

describe('parrotron parallel data', function () {
  this.timeout(120_000);

  it('phonemizes with espeak-ng, one token per phoneme and _ between words', () => {
    assert.deepEqual(phonemize('seven'), ['s', 'E', 'v', '@', 'n']);
    assert.deepEqual(phonemize('one two'), ['w', 'V', 'n', '_', 't', 'u:']);
  });

  it('transliterates English spelling for Cyrillic and Greek voices', () => {
    assert.equal(transliterate('three seven', 'cyrillic'), 'зри севен');
    assert.equal(transliterate('three seven', 'greek'), 'θρι σεβεν');
  });

  it('keeps held-out speakers and sentences out of training', () => {
    const ids = new Set(TRAIN_SPEAKERS.map((s) => s.id));
    assert.ok(HELD_OUT_SPEAKERS.every((s) => !ids.has(s.id)));
    const random = seededRandom(1);
    const texts = Array.from({ length: 300 }, () => digitSentence(random));
    const held = texts.filter(isHeldOutSentence);
    assert.ok(held.length > 20 && held.length < 120, `about 1 in 5 multi-digit sentences held out (${held.length})`);
    assert.ok(!isHeldOutSentence('seven'), 'single digits stay in training (FSDD pairs)');
  });

  it('renders each text by input speakers and the canonical voice, with phoneme targets', async () => {
    const pairs = await synthesizeTestPairs(['one nine'], [TRAIN_SPEAKERS[0], TRAIN_SPEAKERS[9]]);
    assert.equal(pairs.length, 2);
    assert.equal(pairs[0].target, pairs[1].target, 'one canonical rendering per text');
    assert.notDeepEqual(pairs[0].input, pairs[1].input);
    for (const p of pairs) {
      const seconds = p.input.length / 16000;
      assert.ok(seconds > 0.3 && seconds < 3, `input speaks the text (${seconds} s)`);
      assert.ok(Math.max(...p.input.map(Math.abs)) > 0.5);
    }
    const vocabulary = phonemeVocabulary(pairs);
    const [example] = toExamples(pairs, vocabulary);
    assert.equal(example.input.length % 80, 0);
    assert.deepEqual(example.phonemes.map((id) => vocabulary[id - 1]), ['w', 'V', 'n', '_', 'n', 'aI', 'n']);
  });
});
