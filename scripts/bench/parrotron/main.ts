// Parrotron benchmark (Biadsy et al. 2019, Table 1's measure): WER of the speech service's recognizer on the
// raw input and on Parrotron's output, for held-out input speakers saying held-out sentences (and FSDD's
// held-out recordings); mel-cepstral distortion of the output to the canonical rendering; real-time factor.
//   npm run bench:parrotron -- [--data data/parrotron/pairs] [--model models/parrotron/base]
//     [--speech-model models/speech/fp32] [--limit N] [--json]
// --limit N scores at most N evenly spaced pairs of each set (the pairs are ordered by sentence, then speaker).
// The pairs come from `npx tsx scripts/data/parrotron-pairs.ts data/parrotron/pairs`.
import { parseArgs } from 'node:util';
import { readPairAudio, readPairs, type PairRecord } from '../../data/parrotron-pairs.js';
import { HELD_OUT_SPEAKERS } from '../../data/parrotron-speakers.js';
import { logMel } from '../../../services/ml/audio/log-mel.js';
import { encodeWav } from '../../../services/ml/audio/wav.js';
import { initBackend } from '../../../services/ml/backend.js';
import { convertSpeech } from '../../../services/parrotron/converter.js';
import { melCepstralDistortion } from '../../../services/parrotron/mel-cepstral-distortion.js';
import { loadParrotron } from '../../../services/parrotron/model/model-io.js';
import { loadCheckpoint, type LoadedModel } from '../../../services/speech/model/checkpoint.js';
import { DEFAULT_RECOGNIZER_OPTIONS, recognizeClip } from '../../../services/speech/stream-recognizer.js';
import { wordErrorRate } from '../../../services/speech/wer.js';

const { values } = parseArgs({ options: {
  data: { type: 'string', default: 'data/parrotron/pairs' }, model: { type: 'string', default: 'models/parrotron/base' },
  'speech-model': { type: 'string', default: 'models/speech/fp32' }, limit: { type: 'string', default: '0' }, json: { type: 'boolean', default: false } } });

const backend = await initBackend();
const parrotron = loadParrotron(values.model);
const recognizer = loadCheckpoint(values['speech-model']);
const options = { ...DEFAULT_RECOGNIZER_OPTIONS, beamWidth: 1, interimResults: false }; // greedy, as services/parrotron/README.md measured
const transcribe = (model: LoadedModel, samples: Float32Array) =>
  recognizeClip(model, encodeWav(samples, 16000), 'wav', 0, options).results.map((r) => r.alternatives[0].transcript).join(' ');

const heldOut = new Set(HELD_OUT_SPEAKERS.map((s) => s.id));
const records = readPairs(values.data).filter((r) => r.split === 'test');
const limit = Number(values.limit) || Infinity;
const spread = <T>(all: T[]) => (all.length <= limit ? all : Array.from({ length: limit }, (_, i) => all[Math.floor((i * all.length) / limit)]!));
const groups: [string, PairRecord[]][] = [
  ['held-out TTS speakers, held-out sentences', spread(records.filter((r) => r.source === 'tts' && heldOut.has(r.speaker)))],
  ['seen TTS speakers, held-out sentences', spread(records.filter((r) => r.source === 'tts' && !heldOut.has(r.speaker)))],
  ['FSDD accented speakers, held-out recordings', spread(records.filter((r) => r.source === 'fsdd'))],
];

interface Row { set: string; n: number; raw_wer: number; converted_wer: number; canonical_wer: number; raw_mcd: number; mcd: number; rtf_cpu: number; rtf_wall: number }
const rows: Row[] = [];
for (const [set, pairs] of groups) {
  if (pairs.length === 0) continue;
  const refs: string[] = [];
  const raw: string[] = [];
  const converted: string[] = [];
  const canonical: string[] = [];
  let mcd = 0;
  let rawMcd = 0;
  let cpu = 0;
  let wall = 0;
  let audio = 0;
  for (const p of pairs) {
    const input = readPairAudio(values.data, p.input);
    const target = readPairAudio(values.data, p.target);
    const start = process.cpuUsage();
    const t0 = performance.now();
    const out = convertSpeech(parrotron, input);
    wall += (performance.now() - t0) / 1000;
    const used = process.cpuUsage(start);
    cpu += (used.user + used.system) / 1e6;
    audio += input.length / 16000;
    refs.push(p.text);
    raw.push(transcribe(recognizer, input));
    converted.push(transcribe(recognizer, out.samples));
    canonical.push(transcribe(recognizer, target));
    const targetMel = logMel(target).frames;
    mcd += melCepstralDistortion(out.mel, targetMel);
    rawMcd += melCepstralDistortion(logMel(input).frames, targetMel);
  }
  rows.push({ set, n: pairs.length, raw_wer: wordErrorRate(refs, raw), converted_wer: wordErrorRate(refs, converted), canonical_wer: wordErrorRate(refs, canonical),
    raw_mcd: rawMcd / pairs.length, mcd: mcd / pairs.length, rtf_cpu: cpu / audio, rtf_wall: wall / audio });
  console.log(`  e.g. "${refs[0]}": raw → "${raw[0]}", converted → "${converted[0]}"`);
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
console.log(`\nParrotron (${values.model}, ${parrotron.manifest.training?.steps ?? '?'} training steps; ${backend}) — recognizer ${values['speech-model']}`);
console.log('| set | n | WER raw input | WER converted | WER canonical voice | MCD raw→canonical (dB) | MCD converted→canonical (dB) | RTF (CPU) | RTF (wall) |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.set} | ${r.n} | ${pct(r.raw_wer)} | ${pct(r.converted_wer)} | ${pct(r.canonical_wer)} | ${r.raw_mcd.toFixed(2)} | ${r.mcd.toFixed(2)} | ${r.rtf_cpu.toFixed(2)} | ${r.rtf_wall.toFixed(2)} |`);
console.log(`\nrerun: npm run bench:parrotron -- --data ${values.data} --model ${values.model} --speech-model ${values['speech-model']}${values.limit !== '0' ? ` --limit ${values.limit}` : ''}`);
const head = rows[0];
if (values.json && head) {
  console.log(JSON.stringify({ raw_wer: head.raw_wer, converted_wer: head.converted_wer, canonical_wer: head.canonical_wer, mcd_db: head.mcd, raw_mcd_db: head.raw_mcd, rtf: head.rtf_cpu, rtf_wall: head.rtf_wall, pairs: head.n }));
}
