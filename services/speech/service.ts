// Thin gRPC handlers for nnsuite.speech.v1.SpeechService: request messages → plain arguments → the speech
// engine → response messages. Contract violations become INVALID_ARGUMENT naming the field; an idle stream
// ends with OUT_OF_RANGE (as Google Cloud Speech's "Audio Timeout Error"); too many streams with
// RESOURCE_EXHAUSTED. Each stream's failure is its own: the others keep running.
import { create } from '@bufbuild/protobuf';
import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import {
  AudioEncoding, ModelPrecision, RecognizeResponseSchema, SpeechEventType, SpeechService, StreamingRecognizeResponseSchema,
  type RecognitionConfig, type StreamingRecognizeRequest,
} from '../../gen/nnsuite/speech/v1/speech_pb.js';
import { AudioFormatError } from '../ml/audio/wav.js';
import { checkRate, type AudioEncodingName } from '../ml/audio/audio-input.js';
import { env, intEnv } from '../runtime/config.js';
import { failedPrecondition, invalidArgument, resourceExhausted, unavailable } from '../runtime/errors.js';
import { withIdleTimeout } from '../runtime/idle-stream.js';
import type { ServiceDefinition } from '../runtime/serve.js';
import { DEFAULT_LIMITS, SpeechEngine, TooManyStreamsError, type Precision } from './speech-engine.js';
import { DEFAULT_RECOGNIZER_OPTIONS, type Alternative, type RecognitionEvent, type RecognizerOptions } from './stream-recognizer.js';

export interface SpeechConfig {
  /** Folder with `fp32/` and optionally `int8/` checkpoints (NNSUITE_SPEECH_MODEL_DIR, default models/speech). */
  modelDir: string;
  /** Weights used when a request leaves model_precision unset (NNSUITE_SPEECH_PRECISION, fp32|int8). */
  defaultPrecision: Precision;
  /** NNSUITE_SPEECH_IDLE_TIMEOUT_MS (default 10000). */
  idleTimeoutMs: number;
  /** NNSUITE_SPEECH_MAX_STREAMS (default 64). */
  maxStreams: number;
  /** Blank run after speech that ends an utterance (NNSUITE_SPEECH_ENDPOINT_MS, default 800). */
  endpointSilenceMs: number;
  /** Beam width for requests that leave beam_width 0 (NNSUITE_SPEECH_BEAM_WIDTH, default 4; 1 = greedy). */
  defaultBeamWidth: number;
}

export function speechConfigFromEnv(environment: NodeJS.ProcessEnv = process.env): SpeechConfig {
  const precision = env('speech', 'PRECISION', environment) ?? 'fp32';
  if (precision !== 'fp32' && precision !== 'int8') throw new Error(`NNSUITE_SPEECH_PRECISION: expected fp32 or int8, got "${precision}"`);
  return {
    modelDir: env('speech', 'MODEL_DIR', environment) ?? 'models/speech',
    defaultPrecision: precision,
    idleTimeoutMs: intEnv('speech', 'IDLE_TIMEOUT_MS', DEFAULT_LIMITS.idleTimeoutMs, environment),
    maxStreams: intEnv('speech', 'MAX_STREAMS', DEFAULT_LIMITS.maxStreams, environment),
    endpointSilenceMs: intEnv('speech', 'ENDPOINT_MS', DEFAULT_RECOGNIZER_OPTIONS.endpointSilenceMs, environment),
    defaultBeamWidth: intEnv('speech', 'BEAM_WIDTH', DEFAULT_RECOGNIZER_OPTIONS.beamWidth, environment),
  };
}

export function createSpeechService(config: SpeechConfig = speechConfigFromEnv()): ServiceDefinition & { engine: SpeechEngine } {
  if (config.defaultBeamWidth < 1 || config.defaultBeamWidth > DEFAULT_LIMITS.maxBeamWidth) throw new Error(`NNSUITE_SPEECH_BEAM_WIDTH: expected 1..${DEFAULT_LIMITS.maxBeamWidth}, got ${config.defaultBeamWidth}`);
  const limits = { ...DEFAULT_LIMITS, idleTimeoutMs: config.idleTimeoutMs, maxStreams: config.maxStreams };
  const engine = new SpeechEngine(config.modelDir, config.defaultPrecision, limits, { endpointSilenceMs: config.endpointSilenceMs, beamWidth: config.defaultBeamWidth });
  return {
    name: 'speech',
    services: [SpeechService],
    engine,
    routes: (router) => router.service(SpeechService, handlers(engine)),
    ready: async (runtime) => {
      await engine.load();
      runtime.log.info('speech models loaded', { modelDir: config.modelDir, int8: engine.has('int8'), defaultPrecision: config.defaultPrecision });
    },
    close: async () => engine.close(),
  };
}

interface DecodeRequest {
  precision: Precision | undefined;
  encoding: AudioEncodingName;
  sampleRate: number;
  options: Partial<RecognizerOptions>;
}

/** Check a RecognitionConfig and turn it into plain arguments; `prefix` names where it sits in the request. */
function decodeRequest(engine: SpeechEngine, config: RecognitionConfig | undefined, prefix: string): DecodeRequest {
  if (!config) throw invalidArgument(prefix, 'is required');
  const field = (name: string) => `${prefix}.${name}`;
  let encoding: AudioEncodingName;
  if (config.encoding === AudioEncoding.LINEAR16) encoding = 'linear16';
  else if (config.encoding === AudioEncoding.WAV) encoding = 'wav';
  else throw invalidArgument(field('encoding'), 'must be LINEAR16 or WAV');
  if (encoding === 'linear16' || config.sampleRateHertz !== 0) {
    try {
      checkRate(config.sampleRateHertz);
    } catch (error) {
      throw invalidArgument(field('sample_rate_hertz'), (error as Error).message);
    }
  }
  const language = config.languageCode.toLowerCase();
  if (language !== '' && language !== 'en-us' && language !== 'en') throw invalidArgument(field('language_code'), `"${config.languageCode}" is not served (only en-US)`);
  const { maxBeamWidth } = engine.limits;
  if (config.beamWidth < 0 || config.beamWidth > maxBeamWidth) throw invalidArgument(field('beam_width'), `must be in [0, ${maxBeamWidth}]`);
  const beamWidth = config.beamWidth === 0 ? engine.options({}).beamWidth : config.beamWidth;
  if (config.maxAlternatives < 0 || config.maxAlternatives > beamWidth) throw invalidArgument(field('max_alternatives'), `must be in [0, beam_width = ${beamWidth}]`);
  let precision: Precision | undefined;
  if (config.modelPrecision === ModelPrecision.FP32) precision = 'fp32';
  else if (config.modelPrecision === ModelPrecision.INT8) precision = 'int8';
  if (precision && !engine.has(precision)) throw failedPrecondition(`${field('model_precision')}: no ${precision} model is loaded`);
  return {
    precision,
    encoding,
    sampleRate: config.sampleRateHertz,
    options: { beamWidth, maxAlternatives: Math.max(1, config.maxAlternatives), wordTimeOffsets: config.enableWordTimeOffsets },
  };
}

const duration = (ms: number) => ({ seconds: BigInt(Math.floor(ms / 1000)), nanos: Math.round((ms % 1000) * 1e6) });

function alternativeMessage(a: Alternative) {
  return { transcript: a.transcript, confidence: a.confidence, words: a.words.map((w) => ({ word: w.word, startOffset: duration(w.startMs), endOffset: duration(w.endMs) })) };
}

function streamingResponse(event: RecognitionEvent, audioMs: number) {
  return create(StreamingRecognizeResponseSchema, {
    results: [{
      alternatives: event.alternatives.map(alternativeMessage),
      isFinal: event.isFinal,
      stability: event.stability,
      resultEndOffset: duration(event.endMs),
      utteranceIndex: event.utteranceIndex,
    }],
    totalAudioDuration: duration(audioMs),
  });
}

function audioError(error: unknown): unknown {
  return error instanceof AudioFormatError ? invalidArgument('audio_content', error.message) : error;
}

function handlers(engine: SpeechEngine): ServiceImpl<typeof SpeechService> {
  const ensureLoaded = () => {
    if (!engine.loaded) throw unavailable('speech models are still loading');
  };
  return {
    async *streamingRecognize(requests: AsyncIterable<StreamingRecognizeRequest>, ctx: HandlerContext) {
      ensureLoaded();
      const { idleTimeoutMs, maxChunkBytes } = engine.limits;
      const iterator = withIdleTimeout(requests, idleTimeoutMs, ctx.signal);
      const first = await iterator.next();
      if (first.done) return;
      const head = first.value.streamingRequest;
      if (head.case !== 'streamingConfig') throw invalidArgument('streaming_config', 'the first request must carry the configuration (audio arrived before streaming_config)');
      const request = decodeRequest(engine, head.value.config, 'streaming_config.config');
      const options = engine.options({ ...request.options, interimResults: head.value.interimResults });
      let recognizer;
      try {
        recognizer = engine.openStream(request.precision, request.encoding, request.sampleRate, options);
      } catch (error) {
        throw error instanceof TooManyStreamsError ? resourceExhausted(error.message) : error;
      }
      try {
        for (;;) {
          const next = await iterator.next();
          const events: RecognitionEvent[] = [];
          if (next.done) {
            events.push(...recognizer.finish());
          } else {
            const message = next.value.streamingRequest;
            if (message.case === 'streamingConfig') throw invalidArgument('streaming_config', 'only the first request may carry the configuration');
            if (message.case !== 'audioContent') throw invalidArgument('streaming_request', 'each request must set streaming_config or audio_content');
            if (message.value.length > maxChunkBytes) throw invalidArgument('audio_content', `chunk of ${message.value.length} bytes exceeds the ${maxChunkBytes}-byte limit`);
            try {
              events.push(...recognizer.push(message.value));
            } catch (error) {
              throw audioError(error);
            }
          }
          for (const event of events) {
            yield streamingResponse(event, recognizer.audioMs);
            if (event.isFinal && head.value.singleUtterance) {
              yield create(StreamingRecognizeResponseSchema, { speechEventType: SpeechEventType.END_OF_SINGLE_UTTERANCE, totalAudioDuration: duration(recognizer.audioMs) });
              return;
            }
          }
          if (next.done) return;
        }
      } finally {
        engine.closeStream(recognizer);
      }
    },

    async recognize(request) {
      ensureLoaded();
      const decoded = decodeRequest(engine, request.config, 'config');
      const { maxClipBytes } = engine.limits;
      if (request.audioContent.length > maxClipBytes) throw invalidArgument('audio_content', `${request.audioContent.length} bytes exceeds the ${maxClipBytes}-byte limit`);
      if (request.audioContent.length === 0) throw invalidArgument('audio_content', 'must not be empty');
      let recognized;
      try {
        recognized = engine.recognize(decoded.precision, request.audioContent, decoded.encoding, decoded.sampleRate, engine.options(decoded.options));
      } catch (error) {
        throw audioError(error);
      }
      return create(RecognizeResponseSchema, {
        results: recognized.results.map((r) => ({ alternatives: r.alternatives.map(alternativeMessage), resultEndOffset: duration(r.endMs) })),
        totalAudioDuration: duration(recognized.audioMs),
      });
    },
  };
}
