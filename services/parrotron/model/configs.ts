// Model sizes: what the committed base model uses (sized for a CPU training budget of ~30 min) and the tiny
// one the tests overfit.
import { DEFAULT_PARROTRON_CONFIG, type ParrotronConfig } from './parrotron-model.js';

export const PRODUCTION_CONFIG: Omit<ParrotronConfig, 'phonemes'> = {
  ...DEFAULT_PARROTRON_CONFIG, stack: 6, reduction: 5, encoderUnits: 64, decoderUnits: 96, prenetUnits: 48, attentionUnits: 48, phonemeUnits: 48,
};

export const TINY_CONFIG: Omit<ParrotronConfig, 'phonemes'> = {
  ...DEFAULT_PARROTRON_CONFIG, stack: 6, reduction: 5, encoderUnits: 32, decoderUnits: 48, prenetUnits: 32, attentionUnits: 32, phonemeUnits: 32, locationFilters: 4,
};
