// Fixtures the speech tests make themselves: a few espeak-ng utterances (with silence around them, as a
// client would stream) and a tiny transducer overfit on them, saved as a servable checkpoint.
import { join } from 'node:path';
import { logMel } from '../ml/audio/log-mel.js';
import { encodePcm16 } from '../ml/audio/wav.js';
import { synthesize } from '../../scripts/data/synth-speech.js';
import { fitNormalizer, normalize, type FeatureNormalizer } from './data/features.js';
import { saveCheckpoint } from './model/checkpoint.js';
import { DEFAULT_RNNT_CONFIG, RnntModel } from './model/rnnt-model.js';
import { StreamingEncoder } from './model/streaming-encoder.js';
import { TransducerSearch } from './model/transducer-search.js';
import { decodeIds, encodeText } from './model/vocabulary.js';
import { trainRnnt, type Example } from './rnnt-training.js';

export const TINY_CONFIG = { ...DEFAULT_RNNT_CONFIG, encoderUnits: 64, predictionUnits: 48, jointUnits: 64, embeddingSize: 16 };

export interface TestUtterance {
  text: string;
  samples: Float32Array; // 16 kHz
  pcm16: Uint8Array;
}

const PHRASES = [
  { text: 'yes', voice: 'en-us', speed: 150, pitch: 40 },
  { text: 'no go', voice: 'en-gb+f3', speed: 150, pitch: 60 },
  { text: 'stop', voice: 'en-us+m3', speed: 140, pitch: 50 },
];

export async function synthesizeTestUtterances(): Promise<TestUtterance[]> {
  const out: TestUtterance[] = [];
  for (const p of PHRASES) {
    const speech = await synthesize({ voice: p.voice, speed: p.speed, pitch: p.pitch, text: p.text });
    const samples = new Float32Array(speech.length + 2 * 4800); // 0.3 s of silence either side
    samples.set(speech, 4800);
    out.push({ text: p.text, samples, pcm16: encodePcm16(samples) });
  }
  return out;
}

/** Greedy transcript through the streaming path, exactly as the service decodes. */
export function streamingGreedy(model: RnntModel, normalizer: FeatureNormalizer, samples: Float32Array): string {
  const { frames } = logMel(samples);
  const encoder = new StreamingEncoder(model);
  const search = new TransducerSearch(model, { beamWidth: 1, maxSymbolsPerFrame: 4 });
  try {
    for (const part of [encoder.push(normalize(frames, normalizer)), encoder.flush()]) {
      search.advance(part);
      part.dispose();
    }
    return decodeIds(search.best.labels);
  } finally {
    search.dispose();
    encoder.dispose();
  }
}

/** Train the tiny model until it decodes every utterance exactly (or the step budget runs out). */
export async function overfitTinyModel(utterances: TestUtterance[], maxSteps = 600, onRound?: (steps: number, decoded: string[]) => void): Promise<{ model: RnntModel; normalizer: FeatureNormalizer; steps: number; exact: boolean }> {
  const feats = utterances.map((u) => logMel(u.samples));
  const normalizer = fitNormalizer(feats.map((f) => f.frames));
  const examples: Example[] = utterances.map((u, i) => ({ id: u.text, features: normalize(feats[i].frames.slice(), normalizer), numFrames: feats[i].numFrames, labels: encodeText(u.text) }));
  // Seeded init and batch order: the same weights come out of every run.
  const model = new RnntModel(TINY_CONFIG, 1);
  let steps = 0;
  const exact = () => {
    const decoded = utterances.map((u) => streamingGreedy(model, normalizer, u.samples));
    onRound?.(steps, decoded);
    return decoded.every((d, i) => d === utterances[i].text);
  };
  while (steps < maxSteps) {
    const round = await trainRnnt(examples, {
      config: TINY_CONFIG, model, maxSteps: 25, batchFrames: 100_000, maxBatch: 8, learningRate: 0.01, warmupSteps: 10,
      clipNorm: 5, augmentAfterStep: Infinity, dropout: 0, seed: steps + 1,
    });
    steps += round.steps;
    if (exact()) return { model, normalizer, steps, exact: true };
  }
  return { model, normalizer, steps, exact: false };
}

export function saveTestModel(dir: string, model: RnntModel, normalizer: FeatureNormalizer): void {
  saveCheckpoint(join(dir, 'fp32'), model, normalizer);
  saveCheckpoint(join(dir, 'int8'), model, normalizer, { int8: true });
}
