// Parrotron's parallel text: digit strings (the vocabulary FSDD's real speakers share), split into sentences
// for training and held-out sentences for the benchmark by a hash of the text, so a held-out sentence is
// never rendered in training by any speaker. Phoneme targets for the auxiliary decoder come from espeak-ng's
// own phoneme output (`-q -x`, the canonical voice), stress marks dropped.
import { spawnSync } from 'node:child_process';
import type { Random } from '../../services/speech/model/specaugment.js';
import { CANONICAL_VOICE } from './parrotron-speakers.js';

export const DIGIT_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

/** 1–`maxDigits` random digit words, e.g. "three seven one". */
export function digitSentence(random: Random, maxDigits = 3): string {
  const n = 1 + Math.floor(random() * maxDigits);
  return Array.from({ length: n }, () => DIGIT_WORDS[Math.floor(random() * 10)]).join(' ');
}

/** Single digits are always train (FSDD pairs use them); longer strings go 1 in 5 to the held-out set. */
export function isHeldOutSentence(text: string): boolean {
  if (!text.includes(' ')) return false;
  let h = 2166136261;
  for (const c of text) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return h % 5 === 0;
}

/** espeak-ng phoneme mnemonics of `text` in the canonical voice, one token per phoneme, `_` between words. */
export function phonemize(text: string): string[] {
  const run = spawnSync('espeak-ng', ['-q', '-x', '--sep= ', '-v', CANONICAL_VOICE.voice, text], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`espeak-ng -x failed: ${run.stderr}`);
  return run.stdout.trim().split(/\s{2,}|\n/).flatMap((word, i) => {
    const phones = word.split(/\s+/).map((p) => p.replace(/[',]/g, '')).filter(Boolean);
    return i === 0 ? phones : ['_', ...phones];
  });
}
