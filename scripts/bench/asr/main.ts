// ASR benchmark: WER on the AN4 dev speakers held out of training and on the FSDD test split (index 0–4),
// real-time factor (CPU time of this single-threaded process / audio time), latency from a 100 ms chunk's
// arrival to its partial result, and fp32 vs int8 checkpoint size and WER.
//   npm run bench:asr -- [--model models/speech] [--an4 ../shared/data/an4] [--fsdd ../shared/data/fsdd] [--beam 4] [--limit N] [--json]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../../../services/ml/backend.js';
import { an4Train, fsdd, splitBySpeaker, DEFAULT_AN4_DIR, DEFAULT_FSDD_DIR, type Utterance } from '../../../services/speech/data/corpora.js';
import { checkpointBytes, loadCheckpoint, type LoadedModel } from '../../../services/speech/model/checkpoint.js';
import { DEFAULT_RECOGNIZER_OPTIONS, recognizeClip, StreamRecognizer, type RecognizerOptions } from '../../../services/speech/stream-recognizer.js';
import { wordErrorRate, characterErrorRate } from '../../../services/speech/wer.js';

const { values } = parseArgs({ options: {
  model: { type: 'string', default: 'models/speech' },
  an4: { type: 'string', default: DEFAULT_AN4_DIR },
  fsdd: { type: 'string', default: DEFAULT_FSDD_DIR },
  beam: { type: 'string', default: String(DEFAULT_RECOGNIZER_OPTIONS.beamWidth) },
  limit: { type: 'string' },
  json: { type: 'boolean', default: false },
} });

const backend = await initBackend();
const limit = values.limit ? Number(values.limit) : Infinity;
const an4Dev = splitBySpeaker(an4Train(values.an4)).dev.slice(0, limit);
const fsddTest = fsdd('test', values.fsdd).slice(0, limit);
const options: RecognizerOptions = { ...DEFAULT_RECOGNIZER_OPTIONS, beamWidth: Math.max(1, Number(values.beam)) }; // 1: greedy

interface Scored { wer: number; cer: number; cpuSeconds: number; audioSeconds: number }

function score(loaded: LoadedModel, set: Utterance[]): Scored {
  const refs: string[] = [];
  const hyps: string[] = [];
  let cpu = 0;
  let audio = 0;
  for (const u of set) {
    const bytes = readFileSync(u.path);
    const start = process.cpuUsage();
    const { results, audioMs } = recognizeClip(loaded, bytes, 'wav', 0, options);
    const used = process.cpuUsage(start);
    cpu += (used.user + used.system) / 1e6;
    audio += audioMs / 1000;
    refs.push(u.text);
    hyps.push(results.map((r) => r.alternatives[0].transcript).join(' '));
  }
  return { wer: wordErrorRate(refs, hyps), cer: characterErrorRate(refs, hyps), cpuSeconds: cpu, audioSeconds: audio };
}

/** Milliseconds from handing a 100 ms chunk to the recognizer until its events come back, per chunk. */
function chunkLatencies(loaded: LoadedModel, set: Utterance[]): number[] {
  const out: number[] = [];
  for (const u of set) {
    const bytes = readFileSync(u.path);
    const recognizer = new StreamRecognizer(loaded, 'wav', 0, { ...options, interimResults: true });
    try {
      for (let i = 0; i < bytes.length; i += 3200) {
        const start = performance.now();
        recognizer.push(bytes.subarray(i, i + 3200));
        out.push(performance.now() - start);
      }
      recognizer.finish();
    } finally {
      recognizer.dispose();
    }
  }
  return out.sort((a, b) => a - b);
}

const quantile = (xs: number[], q: number) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const fp32 = loadCheckpoint(join(values.model!, 'fp32'));
const int8 = loadCheckpoint(join(values.model!, 'int8'));
const an4 = score(fp32, an4Dev);
const digits = score(fp32, fsddTest);
const an4Int8 = score(int8, an4Dev);
const latencies = chunkLatencies(fp32, an4Dev.slice(0, 20));
const lookaheadMs = fp32.model.config.stack * fp32.model.config.reduction * 10 + 15; // encoder step + rest of the 25 ms window
const fp32Bytes = checkpointBytes(join(values.model!, 'fp32'));
const int8Bytes = checkpointBytes(join(values.model!, 'int8'));
const facts = {
  an4_wer: an4.wer,
  an4_cer: an4.cer,
  fsdd_wer: digits.wer,
  rtf: (an4.cpuSeconds + digits.cpuSeconds) / (an4.audioSeconds + digits.audioSeconds),
  partial_latency_ms: quantile(latencies, 0.5),
  partial_latency_p95_ms: quantile(latencies, 0.95),
  encoder_lookahead_ms: lookaheadMs,
  fp32_bytes: fp32Bytes,
  int8_bytes: int8Bytes,
  size_ratio: fp32Bytes / int8Bytes,
  int8_an4_wer: an4Int8.wer,
  params: fp32.model.parameterCount(),
  an4_dev_utterances: an4Dev.length,
  fsdd_test_utterances: fsddTest.length,
  beam_width: options.beamWidth,
  training_steps: Number(fp32.manifest.training?.steps ?? 0),
};

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const rows: [string, string][] = [
  ['backend', backend],
  ['model', `${values.model} (${facts.params.toLocaleString()} parameters, ${facts.training_steps} training steps)`],
  ['decoding', options.beamWidth > 1 ? `beam ${options.beamWidth}` : 'greedy'],
  [`AN4 dev WER / CER (${an4Dev.length} utts, held-out speakers)`, `${pct(an4.wer)} / ${pct(an4.cer)}`],
  [`FSDD test WER (${fsddTest.length} utts, index 0–4)`, pct(digits.wer)],
  ['real-time factor (CPU s / audio s, one thread)', facts.rtf.toFixed(3)],
  ['chunk → partial latency p50 / p95 (100 ms chunks)', `${facts.partial_latency_ms.toFixed(1)} / ${facts.partial_latency_p95_ms.toFixed(1)} ms`],
  ['encoder look-ahead (buffered audio before a frame is decoded)', `${lookaheadMs} ms`],
  ['size fp32 / int8', `${fp32Bytes.toLocaleString()} / ${int8Bytes.toLocaleString()} bytes (${facts.size_ratio.toFixed(2)}×)`],
  ['AN4 dev WER fp32 / int8', `${pct(an4.wer)} / ${pct(an4Int8.wer)} (${(100 * (an4Int8.wer - an4.wer)).toFixed(1)} pt)`],
];
const width = Math.max(...rows.map(([k]) => k.length));
console.log(rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n'));
console.log(`\nrerun: NNSUITE_TF_BACKEND=wasm npm run bench:asr -- --model ${values.model} --beam ${values.beam}${values.limit ? ` --limit ${values.limit}` : ''}${values.json ? ' --json' : ''}`);
if (values.json) console.log(JSON.stringify(facts));
