// Labelled utterance lists for the corpora the recognizer trains and is measured on. Paths are arguments
// (defaults under ../shared/data relative to the repo root); transcripts are normalized to the model's
// alphabet.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeTranscript } from '../model/vocabulary.js';

export interface Utterance {
  id: string;
  path: string;
  text: string;
  speaker: string;
  /** Speed perturbation factor applied when the features are computed (1 or absent: the recording as is). */
  speed?: number;
}

export const DEFAULT_AN4_DIR = '../shared/data/an4';
export const DEFAULT_FSDD_DIR = '../shared/data/fsdd';
export const DEFAULT_SYNTH_DIR = 'data/speech/synth';

/** AN4 training part: `train/transcription.txt` lines `<s> TEXT </s> (utt-id)`; utt-id `an251-fash-b` → speaker `fash`. */
export function an4Train(root = DEFAULT_AN4_DIR): Utterance[] {
  const lines = readFileSync(join(root, 'train', 'transcription.txt'), 'utf8').split('\n');
  const out: Utterance[] = [];
  for (const line of lines) {
    const m = /^<s>(.*)<\/s>\s*\(([^)]+)\)\s*$/.exec(line.trim());
    if (!m) continue;
    const id = m[2];
    out.push({ id, path: join(root, 'train', 'wav', `${id}.wav`), text: normalizeTranscript(m[1]), speaker: id.split('-')[1] });
  }
  return out;
}

/**
 * Speaker-disjoint split of AN4 train: the speakers are sorted and every `everyNth` one (starting from the
 * 0th) goes to dev, so dev speakers are never heard in training.
 */
export function splitBySpeaker(utterances: Utterance[], everyNth = 8): { train: Utterance[]; dev: Utterance[] } {
  const speakers = [...new Set(utterances.map((u) => u.speaker))].sort();
  const dev = new Set(speakers.filter((_, i) => i % everyNth === 0));
  return { train: utterances.filter((u) => !dev.has(u.speaker)), dev: utterances.filter((u) => dev.has(u.speaker)) };
}

/**
 * Speed-perturbed copies (Ko et al. 2015, "Audio augmentation for speech recognition"): each utterance played
 * `factor` times faster, which shifts tempo and pitch together, as a distinct utterance (`<id>@sp<factor>`).
 */
export function speedPerturbed(utterances: Utterance[], factors: number[]): Utterance[] {
  return factors.flatMap((speed) => utterances.map((u) => ({ ...u, id: `${u.id}@sp${speed}`, speed })));
}

const DIGIT_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

/** FSDD `recordings/{digit}_{speaker}_{index}.wav`; official split: index 0–4 test, 5–49 train. */
export function fsdd(split: 'train' | 'test', root = DEFAULT_FSDD_DIR): Utterance[] {
  const out: Utterance[] = [];
  for (const file of readdirSync(join(root, 'recordings')).sort()) {
    const m = /^(\d)_([a-z]+)_(\d+)\.wav$/.exec(file);
    if (!m) continue;
    const isTest = Number(m[3]) <= 4;
    if (isTest !== (split === 'test')) continue;
    out.push({ id: file.replace(/\.wav$/, ''), path: join(root, 'recordings', file), text: DIGIT_WORDS[Number(m[1])], speaker: m[2] });
  }
  return out;
}

/** Speech written by scripts/data/synth-speech.ts (`transcripts.tsv`: id, transcript, voice). */
export function synthesized(dir = DEFAULT_SYNTH_DIR): Utterance[] {
  const index = join(dir, 'transcripts.tsv');
  if (!existsSync(index)) return [];
  return readFileSync(index, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [id, text, voice] = line.split('\t');
      return { id, path: join(dir, 'wav', `${id}.wav`), text: normalizeTranscript(text), speaker: voice };
    });
}
