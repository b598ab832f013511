// Synthesize labelled training speech with espeak-ng: many English voices × variants, random speed and
// pitch, text from speech-text.ts. Writes OUT/wav/<id>.wav (16 kHz mono PCM16) and OUT/transcripts.tsv
// (`id<TAB>transcript<TAB>voice`).
//   npx tsx scripts/data/synth-speech.ts OUT [--count 2000] [--seed 1] [--jobs 2]
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync, appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeWavToModelRate } from '../../services/ml/audio/audio-input.js';
import { encodeWav } from '../../services/ml/audio/wav.js';
import { seededRandom, type Random } from '../../services/speech/model/specaugment.js';
import { generateSpokenText } from './speech-text.js';

const VOICES = ['en-us', 'en-gb', 'en-gb-scotland', 'en-gb-x-rp', 'en-gb-x-gbclan', 'en-gb-x-gbcwmd', 'en-029', 'en-us-nyc'];
const VARIANTS = ['', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'f1', 'f2', 'f3', 'f4', 'f5', 'klatt', 'klatt2', 'klatt3',
  'croak', 'whisper', 'grandpa', 'grandma', 'aunty', 'belinda', 'david', 'edward', 'linda', 'michael', 'paul', 'Annie'];

export interface SynthOptions { voice: string; speed: number; pitch: number; text: string }

/** Run espeak-ng and return 16 kHz mono samples. */
export function synthesize({ voice, speed, pitch, text }: SynthOptions): Promise<Float32Array> {
  return new Promise((resolve, reject) => {
    const child = spawn('espeak-ng', ['-v', voice, '-s', String(speed), '-p', String(pitch), '--stdout', text]);
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`espeak-ng exited with ${code} for voice ${voice}`));
      try {
        resolve(decodeWavToModelRate(Buffer.concat(chunks)));
      } catch (e) {
        reject(e);
      }
    });
  });
}

export function randomVoice(random: Random): SynthOptions['voice'] {
  const variant = VARIANTS[Math.floor(random() * VARIANTS.length)];
  const voice = VOICES[Math.floor(random() * VOICES.length)];
  return variant ? `${voice}+${variant}` : voice;
}

async function main() {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: {
    count: { type: 'string', default: '2000' }, seed: { type: 'string', default: '1' }, jobs: { type: 'string', default: '2' } } });
  const out = positionals[0];
  if (!out) throw new Error('usage: synth-speech.ts OUT_DIR [--count N] [--seed S] [--jobs J]');
  mkdirSync(join(out, 'wav'), { recursive: true });
  const index = join(out, 'transcripts.tsv');
  const done = new Set(existsSync(index) ? readFileSync(index, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t')[0]) : []);
  const random = seededRandom(Number(values.seed));
  const count = Number(values.count);
  const items = Array.from({ length: count }, (_, i) => {
    const spoken = generateSpokenText(random);
    return { id: `synth-${values.seed}-${String(i).padStart(5, '0')}`, ...spoken, voice: randomVoice(random),
      speed: 110 + Math.floor(random() * 100), pitch: 20 + Math.floor(random() * 60), gain: 0.3 + 0.6 * random() };
  });
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      if (done.has(item.id)) continue;
      const samples = await synthesize({ voice: item.voice, speed: item.speed, pitch: item.pitch, text: item.say });
      let peak = 1e-9;
      for (const s of samples) peak = Math.max(peak, Math.abs(s));
      for (let i = 0; i < samples.length; i++) samples[i] *= item.gain / peak;
      writeFileSync(join(out, 'wav', `${item.id}.wav`), encodeWav(samples, 16000));
      appendFileSync(index, `${item.id}\t${item.text}\t${item.voice}\n`);
    }
  };
  await Promise.all(Array.from({ length: Number(values.jobs) }, worker));
  console.log(`wrote ${count} utterances to ${out}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
