// Text for synthesized training speech, in the style of the census utterances of AN4 and the digits of
// FSDD: numbers, spelled letters, names, dates, commands, short sentences. Each item pairs what the
// synthesizer is told to say with the transcript the recognizer should produce (letters are spoken by
// name: espeak-ng reads a lone "a" as the article).
import type { Random } from '../../services/speech/model/specaugment.js';

export interface SpokenText {
  /** Sent to the synthesizer. */
  say: string;
  /** Expected transcript (lower case, a–z, apostrophe, spaces). */
  text: string;
}

const DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const TEENS = ['ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const LETTER_NAMES: Record<string, string> = {
  a: 'ay', b: 'bee', c: 'see', d: 'dee', e: 'ee', f: 'eff', g: 'gee', h: 'aitch', i: 'eye', j: 'jay', k: 'kay', l: 'el',
  m: 'em', n: 'en', o: 'oh', p: 'pee', q: 'cue', r: 'are', s: 'ess', t: 'tee', u: 'you', v: 'vee', w: 'double you',
  x: 'ex', y: 'why', z: 'zee',
};
const FIRST_NAMES = ['mary', 'john', 'robert', 'linda', 'michael', 'susan', 'david', 'karen', 'james', 'nancy', 'richard', 'lisa',
  'thomas', 'betty', 'charles', 'helen', 'joseph', 'sandra', 'daniel', 'donna', 'paul', 'carol', 'mark', 'ruth', 'george',
  'sharon', 'kenneth', 'laura', 'steven', 'sarah', 'edward', 'kevin', 'brian', 'anne', 'peter', 'alice', 'frank', 'emily'];
const LAST_NAMES = ['smith', 'johnson', 'williams', 'brown', 'jones', 'miller', 'davis', 'wilson', 'anderson', 'taylor', 'thomas',
  'moore', 'martin', 'jackson', 'white', 'harris', 'clark', 'lewis', 'walker', 'hall', 'allen', 'young', 'king', 'wright',
  'scott', 'green', 'baker', 'adams', 'nelson', 'hill', 'campbell', 'mitchell', 'roberts', 'carter', 'phillips', 'evans'];
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'eleventh',
  'twelfth', 'thirteenth', 'fourteenth', 'fifteenth', 'sixteenth', 'seventeenth', 'eighteenth', 'nineteenth', 'twentieth',
  'twenty first', 'twenty second', 'twenty third', 'twenty fourth', 'twenty fifth', 'twenty sixth', 'twenty seventh',
  'twenty eighth', 'twenty ninth', 'thirtieth', 'thirty first'];
const COMMANDS = ['yes', 'no', 'stop', 'go', 'enter', 'erase', 'rubout', 'repeat', 'help', 'start', 'cancel', 'next', 'back',
  'up', 'down', 'left', 'right', 'on', 'off', 'open', 'close', 'play', 'pause', 'call home', 'turn on the light',
  'turn off the radio', 'what time is it', "i don't know", "that's right", "it's done", 'please repeat that'];
const STREETS = ['main street', 'oak avenue', 'park road', 'elm street', 'maple drive', 'forbes avenue', 'fifth avenue', 'lake road'];
const SENTENCES = ['my name is', 'the code is', 'my phone number is', 'the zip code is', 'i live on', 'i was born in', 'spell it'];

const pick = <T>(random: Random, xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
const int = (random: Random, lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

/** 0..9999 in words ("two thousand nineteen", "forty two"). */
export function numberWords(n: number): string {
  if (n < 10) return DIGITS[n];
  if (n < 20) return TEENS[n - 10];
  if (n < 100) return TENS[Math.floor(n / 10)] + (n % 10 ? ` ${DIGITS[n % 10]}` : '');
  if (n < 1000) return `${DIGITS[Math.floor(n / 100)]} hundred${n % 100 ? ` ${numberWords(n % 100)}` : ''}`;
  return `${numberWords(Math.floor(n / 1000))} thousand${n % 1000 ? ` ${numberWords(n % 1000)}` : ''}`;
}

const plain = (text: string): SpokenText => ({ say: text, text });
const spelled = (word: string): SpokenText => ({ say: [...word].map((c) => LETTER_NAMES[c]).join(', '), text: [...word].join(' ') });
const join = (...parts: SpokenText[]): SpokenText => ({ say: parts.map((p) => p.say).join(', '), text: parts.map((p) => p.text).join(' ') });
const digitString = (random: Random, length: number) => plain(Array.from({ length }, () => pick(random, DIGITS)).join(' '));

const GENERATORS: ((random: Random) => SpokenText)[] = [
  (r) => digitString(r, int(r, 1, 7)),
  (r) => plain(numberWords(int(r, 0, 9999))),
  (r) => spelled(pick(r, [...FIRST_NAMES, ...LAST_NAMES])),
  (r) => spelled(Array.from({ length: int(r, 2, 6) }, () => pick(r, Object.keys(LETTER_NAMES))).join('')),
  (r) => plain(`${pick(r, FIRST_NAMES)} ${pick(r, LAST_NAMES)}`),
  (r) => plain(`${pick(r, MONTHS)} ${pick(r, ORDINALS)} ${numberWords(int(r, 19, 20))} ${numberWords(int(r, 10, 99))}`),
  (r) => plain(pick(r, COMMANDS)),
  (r) => plain(`${numberWords(int(r, 1, 999))} ${pick(r, STREETS)}`),
  (r) => join(plain(pick(r, SENTENCES)), r() < 0.5 ? digitString(r, int(r, 3, 5)) : plain(pick(r, FIRST_NAMES))),
  (r) => join(plain(pick(r, LAST_NAMES)), spelled(pick(r, LAST_NAMES))),
];

export function generateSpokenText(random: Random): SpokenText {
  return pick(random, GENERATORS)(random);
}
