// Parallel pairs the parrotron tests make themselves with espeak-ng (no shared data): a few digit sentences
// from two input speakers, each paired with the canonical voice, and a tiny model overfit on them.
import { canonicalSpeech, speakerSpeech } from '../../scripts/data/parrotron-pairs.js';
import { TRAIN_SPEAKERS } from '../../scripts/data/parrotron-speakers.js';
import { phonemize } from '../../scripts/data/parrotron-text.js';
import { TINY_CONFIG } from './model/configs.js';
import { ParrotronModel } from './model/parrotron-model.js';
import { trainParrotron } from './model/parrotron-training.js';
import type { LoadedParrotron } from './model/model-io.js';
import { fitNormalizers, phonemeVocabulary, toExamples, type AudioPair } from './parallel-data.js';

export const TEST_TEXTS = ['two', 'seven', 'one nine'];

export async function synthesizeTestPairs(texts = TEST_TEXTS, speakers = [TRAIN_SPEAKERS[0], TRAIN_SPEAKERS[6]]): Promise<(AudioPair & { text: string })[]> {
  const out: (AudioPair & { text: string })[] = [];
  for (const text of texts) {
    const target = await canonicalSpeech(text);
    for (const s of speakers) out.push({ text, input: await speakerSpeech(s, text), target, phonemes: phonemize(text) });
  }
  return out;
}

/** Pairs → examples, their normalizers and an untrained tiny model over their phoneme vocabulary. */
export function tinyTrainingSet(pairs: AudioPair[], seed?: number) {
  const vocabulary = phonemeVocabulary(pairs);
  const examples = toExamples(pairs, vocabulary);
  return { examples, normalizers: fitNormalizers(examples), model: new ParrotronModel({ ...TINY_CONFIG, phonemes: vocabulary }, seed) };
}

export async function overfitTinyModel(pairs: AudioPair[], steps: number): Promise<LoadedParrotron> {
  const { examples, normalizers, model } = tinyTrainingSet(pairs, 3);
  await trainParrotron(model, examples, normalizers, { steps, batchSize: examples.length, learningRate: 0.01, seed: 3 });
  return { model, normalizers, manifest: { config: model.config, normalizers, params: [] } };
}
