// Parrotron's parallel data: each sentence rendered by many input speakers (scripts/data/parrotron-speakers.ts)
// and once by the canonical voice, plus FSDD's real accented speakers mapped to the canonical rendering of
// the same digit. Writes OUT/input/<id>.wav, OUT/canonical/<text>.wav (16 kHz mono PCM16) and OUT/pairs.jsonl.
//   npx tsx scripts/data/parrotron-pairs.ts OUT [--sentences 300] [--seed 1] [--fsdd ../shared/data/fsdd] [--fsdd-per-digit 6]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeWavToModelRate } from '../../services/ml/audio/audio-input.js';
import { encodeWav } from '../../services/ml/audio/wav.js';
import { fsdd, DEFAULT_FSDD_DIR } from '../../services/speech/data/corpora.js';
import { seededRandom } from '../../services/speech/model/specaugment.js';
import { CANONICAL_VOICE, HELD_OUT_SPEAKERS, TRAIN_SPEAKERS, synthOptions, type InputSpeaker } from './parrotron-speakers.js';
import { digitSentence, isHeldOutSentence, phonemize } from './parrotron-text.js';
import { synthesize } from './synth-speech.js';

export interface PairRecord {
  id: string;
  /** Input speaker id (a TTS speaker of parrotron-speakers.ts or `fsdd-<name>`). */
  speaker: string;
  text: string;
  split: 'train' | 'test';
  source: 'tts' | 'fsdd';
  /** Paths relative to the data folder. */
  input: string;
  target: string;
  phonemes: string[];
}

/** Samples scaled so the peak is `peak` (espeak-ng voices differ a lot in level). */
export function normalizePeak(samples: Float32Array, peak = 0.7): Float32Array {
  let max = 1e-9;
  for (const s of samples) max = Math.max(max, Math.abs(s));
  return samples.map((s) => (s * peak) / max);
}

export const canonicalSpeech = async (text: string) => normalizePeak(await synthesize({ ...CANONICAL_VOICE, text }));
export const speakerSpeech = async (speaker: InputSpeaker, text: string) => normalizePeak(await synthesize(synthOptions(speaker, text)));

const slug = (text: string) => text.replace(/ /g, '-');

export function readPairs(dir: string): PairRecord[] {
  return readFileSync(join(dir, 'pairs.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as PairRecord);
}

export const readPairAudio = (dir: string, path: string) => decodeWavToModelRate(readFileSync(join(dir, path)));

async function main() {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: {
    sentences: { type: 'string', default: '300' }, seed: { type: 'string', default: '1' },
    fsdd: { type: 'string', default: DEFAULT_FSDD_DIR }, 'fsdd-per-digit': { type: 'string', default: '6' } } });
  const out = positionals[0];
  if (!out) throw new Error('usage: parrotron-pairs.ts OUT [--sentences N] [--seed S] [--fsdd DIR] [--fsdd-per-digit K]');
  for (const sub of ['input', 'canonical']) mkdirSync(join(out, sub), { recursive: true });
  const random = seededRandom(Number(values.seed));
  const texts = new Set<string>(['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine']);
  while (texts.size < Number(values.sentences)) texts.add(digitSentence(random));
  const records: PairRecord[] = [];
  const target = async (text: string) => {
    const path = join('canonical', `${slug(text)}.wav`);
    if (!existsSync(join(out, path))) writeFileSync(join(out, path), encodeWav(await canonicalSpeech(text), 16000));
    return path;
  };
  for (const text of texts) {
    const split = isHeldOutSentence(text) ? 'test' : 'train';
    const phonemes = phonemize(text);
    for (const speaker of split === 'train' ? TRAIN_SPEAKERS : [...TRAIN_SPEAKERS, ...HELD_OUT_SPEAKERS]) {
      const id = `${speaker.id}_${slug(text)}`;
      const input = join('input', `${id}.wav`);
      if (!existsSync(join(out, input))) writeFileSync(join(out, input), encodeWav(await speakerSpeech(speaker, text), 16000));
      const heldOutSpeaker = HELD_OUT_SPEAKERS.includes(speaker);
      records.push({ id, speaker: speaker.id, text, split: split === 'test' || heldOutSpeaker ? 'test' : 'train', source: 'tts', input, target: await target(text), phonemes });
    }
  }
  if (existsSync(values.fsdd)) {
    const perDigit = Number(values['fsdd-per-digit']);
    for (const split of ['train', 'test'] as const) {
      const counts = new Map<string, number>();
      for (const u of fsdd(split, values.fsdd)) {
        const key = `${u.speaker}_${u.text}`;
        if ((counts.get(key) ?? 0) >= (split === 'train' ? perDigit : 2)) continue;
        counts.set(key, (counts.get(key) ?? 0) + 1);
        const input = join('input', `fsdd-${u.id}.wav`);
        writeFileSync(join(out, input), encodeWav(normalizePeak(decodeWavToModelRate(readFileSync(u.path))), 16000));
        records.push({ id: `fsdd-${u.id}`, speaker: `fsdd-${u.speaker}`, text: u.text, split, source: 'fsdd', input, target: await target(u.text), phonemes: phonemize(u.text) });
      }
    }
  } else {
    console.error(`FSDD not found at ${values.fsdd}: TTS pairs only`);
  }
  writeFileSync(join(out, 'pairs.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const count = (split: string) => records.filter((r) => r.split === split).length;
  console.log(`wrote ${records.length} pairs (${count('train')} train, ${count('test')} test) to ${out}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
