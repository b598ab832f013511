// `nnsuite transcribe FILE.wav [--stream] [--beam N] [--int8]`: speech to text through the gateway. With
// --stream the file goes over StreamingRecognize in 100 ms chunks at real-time pace, printing interim
// results as they arrive; the last line is the final transcript. --beam 1 decodes greedily; unset, the server's
// default beam (4) applies.
import { readFileSync } from 'node:fs';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { AudioEncoding, ModelPrecision, SpeechService, type StreamingRecognizeRequestSchema } from '../gen/nnsuite/speech/v1/speech_pb.js';
import { parseWavHeader } from '../services/ml/audio/wav.js';
import { parseArgs, type CliContext, type Command } from './command.js';

type Request = MessageInitShape<typeof StreamingRecognizeRequestSchema>;

const CHUNK_MS = 100;

/** The WAV file in chunks of CHUNK_MS of audio each (the header travels with the first chunk). */
function realTimeChunks(wav: Uint8Array): Uint8Array[] {
  const header = parseWavHeader(wav);
  if (!header) throw new Error('not a complete WAV file');
  const bytesPerChunk = Math.max(2, Math.round((header.sampleRate * header.channels * 2 * CHUNK_MS) / 1000));
  const out = [wav.subarray(0, header.dataOffset + bytesPerChunk)];
  for (let i = header.dataOffset + bytesPerChunk; i < wav.length; i += bytesPerChunk) out.push(wav.subarray(i, i + bytesPerChunk));
  return out;
}

async function* requests(wav: Uint8Array, config: Request['streamingRequest']): AsyncGenerator<Request> {
  yield { streamingRequest: config };
  for (const chunk of realTimeChunks(wav)) {
    yield { streamingRequest: { case: 'audioContent', value: chunk } };
    await new Promise((resolve) => setTimeout(resolve, CHUNK_MS));
  }
}

export async function transcribe(args: string[], ctx: CliContext): Promise<string> {
  const { positional, flags } = parseArgs(args, ['stream', 'int8']);
  const file = positional[0];
  if (!file) throw new Error('usage: nnsuite transcribe FILE.wav [--stream] [--beam N] [--int8]');
  const wav = new Uint8Array(readFileSync(file));
  const config = {
    encoding: AudioEncoding.WAV,
    languageCode: 'en-US',
    beamWidth: Number(flags.beam ?? 0),
    modelPrecision: flags.int8 ? ModelPrecision.INT8 : ModelPrecision.UNSPECIFIED,
  };
  const client = ctx.client(SpeechService);
  if (!flags.stream) {
    const response = await client.recognize({ config, audioContent: wav });
    return response.results.map((r) => r.alternatives[0]?.transcript ?? '').join(' ');
  }
  const finals: string[] = [];
  const stream = client.streamingRecognize(requests(wav, { case: 'streamingConfig', value: { config, interimResults: true } }));
  for await (const response of stream) {
    for (const result of response.results) {
      const text = result.alternatives[0]?.transcript ?? '';
      if (result.isFinal) {
        finals.push(text);
        ctx.print(`final: ${text}`);
      } else {
        ctx.print(`partial (stability ${result.stability.toFixed(2)}): ${text}`);
      }
    }
  }
  return finals.join(' ');
}

export const commands: Record<string, Command> = {
  transcribe: {
    usage: 'transcribe FILE.wav [--stream] [--beam N] [--int8]   speech to text (--stream: real-time chunks, prints partials)',
    run: transcribe,
  },
};
