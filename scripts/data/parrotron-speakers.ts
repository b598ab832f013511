// The "input speakers" of Parrotron's parallel data (Biadsy et al. 2019 trained on TTS renderings of the
// same text by many voices) and the one canonical target voice. An espeak-ng voice of another language
// reads Latin text with its own letter rules (German, French… → accented English) but switches back to
// English on Latin text when its own script is not Latin, so for Russian and Greek the English text is
// first transliterated into their script (a letter-level spelling map, deliberately naive: that is the accent).
import type { SynthOptions } from './synth-speech.js';

export interface InputSpeaker {
  id: string;
  voice: string;
  speed: number;
  pitch: number;
  /** Script the text is rewritten into before synthesis. */
  script?: 'cyrillic' | 'greek';
}

/** The fixed fluent voice every conversion targets. */
export const CANONICAL_VOICE = { voice: 'en-us', speed: 165, pitch: 50 } as const;

const CYRILLIC: [string, string][] = [['th', 'з'], ['sh', 'ш'], ['ch', 'ч'], ['ee', 'и'], ['oo', 'у'], ['ou', 'ау'], ['a', 'а'],
  ['b', 'б'], ['c', 'к'], ['d', 'д'], ['e', 'е'], ['f', 'ф'], ['g', 'г'], ['h', 'х'], ['i', 'и'], ['j', 'дж'], ['k', 'к'], ['l', 'л'],
  ['m', 'м'], ['n', 'н'], ['o', 'о'], ['p', 'п'], ['q', 'к'], ['r', 'р'], ['s', 'с'], ['t', 'т'], ['u', 'у'], ['v', 'в'], ['w', 'в'],
  ['x', 'кс'], ['y', 'й'], ['z', 'з']];
const GREEK: [string, string][] = [['th', 'θ'], ['sh', 'σ'], ['ch', 'τσ'], ['ee', 'ι'], ['oo', 'ου'], ['ou', 'αου'], ['a', 'α'],
  ['b', 'μπ'], ['c', 'κ'], ['d', 'ντ'], ['e', 'ε'], ['f', 'φ'], ['g', 'γκ'], ['h', 'χ'], ['i', 'ι'], ['j', 'τζ'], ['k', 'κ'], ['l', 'λ'],
  ['m', 'μ'], ['n', 'ν'], ['o', 'ο'], ['p', 'π'], ['q', 'κ'], ['r', 'ρ'], ['s', 'σ'], ['t', 'τ'], ['u', 'ου'], ['v', 'β'], ['w', 'ου'],
  ['x', 'ξ'], ['y', 'ι'], ['z', 'ζ']];

/** Rewrite lower-case English spelling into Cyrillic or Greek letters, longest match first. */
export function transliterate(text: string, script: 'cyrillic' | 'greek'): string {
  const table = script === 'cyrillic' ? CYRILLIC : GREEK;
  let out = '';
  for (let i = 0; i < text.length;) {
    const hit = table.find(([from]) => text.startsWith(from, i));
    out += hit ? hit[1] : text[i];
    i += hit ? hit[0].length : 1;
  }
  return out;
}

export function synthOptions(speaker: InputSpeaker, text: string): SynthOptions {
  return { voice: speaker.voice, speed: speaker.speed, pitch: speaker.pitch, text: speaker.script ? transliterate(text, speaker.script) : text };
}

/** Speakers the base model trains on. */
export const TRAIN_SPEAKERS: InputSpeaker[] = [
  { id: 'en-us-m3', voice: 'en-us+m3', speed: 150, pitch: 40 },
  { id: 'en-gb-f2', voice: 'en-gb+f2', speed: 140, pitch: 70 },
  { id: 'en-scot-slow', voice: 'en-gb-scotland', speed: 100, pitch: 35 },
  { id: 'en-nyc-fast', voice: 'en-us-nyc+m5', speed: 220, pitch: 55 },
  { id: 'en-whisper', voice: 'en-gb+whisper', speed: 150, pitch: 50 },
  { id: 'en-croak', voice: 'en-us+croak', speed: 130, pitch: 30 },
  { id: 'de', voice: 'de', speed: 150, pitch: 45 },
  { id: 'fr-f3', voice: 'fr+f3', speed: 150, pitch: 60 },
  { id: 'es', voice: 'es', speed: 160, pitch: 50 },
  { id: 'ru-cyrillic', voice: 'ru', speed: 140, pitch: 45, script: 'cyrillic' },
  { id: 'nl-m2', voice: 'nl+m2', speed: 145, pitch: 40 },
  { id: 'en-grandpa', voice: 'en-gb-x-rp+grandpa', speed: 120, pitch: 30 },
  { id: 'pt', voice: 'pt', speed: 150, pitch: 50 },
  { id: 'cs-m1', voice: 'cs+m1', speed: 140, pitch: 45 },
  { id: 'sv-f1', voice: 'sv+f1', speed: 150, pitch: 65 },
  { id: 'hu', voice: 'hu', speed: 135, pitch: 50 },
  { id: 'ro-f4', voice: 'ro+f4', speed: 155, pitch: 60 },
  { id: 'fi', voice: 'fi', speed: 145, pitch: 45 },
  { id: 'tr-m6', voice: 'tr+m6', speed: 150, pitch: 40 },
  { id: 'uk-cyrillic', voice: 'uk', speed: 145, pitch: 55, script: 'cyrillic' },
  { id: 'bg-cyrillic-slow', voice: 'bg', speed: 115, pitch: 40, script: 'cyrillic' },
  { id: 'da-m7', voice: 'da+m7', speed: 150, pitch: 45 },
  { id: 'en-lancaster-f4-fast', voice: 'en-gb-x-gbclan+f4', speed: 200, pitch: 65 },
  { id: 'en-midlands-croak', voice: 'en-gb-x-gbcwmd+croak', speed: 125, pitch: 35 },
];

/** Speakers never heard in training: the benchmark's atypical/accented inputs. */
export const HELD_OUT_SPEAKERS: InputSpeaker[] = [
  { id: 'el-greek', voice: 'el', speed: 140, pitch: 50, script: 'greek' },
  { id: 'it-m4', voice: 'it+m4', speed: 150, pitch: 40 },
  { id: 'pl', voice: 'pl', speed: 140, pitch: 55 },
  { id: 'en-029-croak-slow', voice: 'en-029+croak', speed: 110, pitch: 35 },
];
