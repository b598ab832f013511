// Parrotron verbs: `nnsuite convert IN.wav OUT.wav [--model ID]` (speech in any voice → the canonical voice)
// and `nnsuite voice-models` (the base and personalized models).
import { readFileSync, writeFileSync } from 'node:fs';
import { ParrotronService } from '../gen/nnsuite/parrotron/v1/parrotron_pb.js';
import { AudioEncoding } from '../gen/nnsuite/speech/v1/speech_pb.js';
import { parseArgs, type Command } from './command.js';

export const commands: Record<string, Command> = {
  convert: {
    usage: 'convert IN.wav OUT.wav [--model ID]   convert speech into the fluent canonical voice; prints the output path',
    async run(args, ctx) {
      const { positional, flags } = parseArgs(args);
      const [input, output] = positional;
      if (!input || !output) throw new Error('usage: convert IN.wav OUT.wav [--model ID]');
      const res = await ctx.client(ParrotronService).convert({ config: { encoding: AudioEncoding.WAV, model: flags.model ?? '' }, audioContent: readFileSync(input) });
      writeFileSync(output, res.audioContent);
      ctx.print(`model ${res.model}: ${res.durationSeconds.toFixed(2)} s; phonemes: ${res.phonemes}`);
      return output;
    },
  },
  'voice-models': {
    usage: 'voice-models   list the conversion models (base and personalized)',
    async run(_args, ctx) {
      const res = await ctx.client(ParrotronService).listModels({});
      for (const m of res.models) ctx.print(`${m.id}${m.speaker ? `  speaker ${m.speaker}, from ${m.baseModel}, ${m.job}` : ''}`);
      return `${res.models.length} models`;
    },
  },
};
