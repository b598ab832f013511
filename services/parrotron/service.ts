// Thin gRPC handlers for nnsuite.parrotron.v1.ParrotronService: request messages → plain arguments → the
// model store and converter → response messages. Bad input becomes INVALID_ARGUMENT naming the field, an
// unknown model NOT_FOUND, a model whose personalization job still runs FAILED_PRECONDITION, an idle
// StreamingConvert call OUT_OF_RANGE (the speech service's idle limit, services/runtime/idle-stream.ts).
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { Client, HandlerContext, ServiceImpl } from '@connectrpc/connect';
import { JobState } from '../../gen/nnsuite/common/v1/job_pb.js';
import {
  ConvertResponseSchema, ListModelsResponseSchema, ParrotronService, PersonalizeResponseSchema, StreamingConvertResponseSchema,
  type ConversionConfig, type StreamingConvertRequest,
} from '../../gen/nnsuite/parrotron/v1/parrotron_pb.js';
import { AudioEncoding } from '../../gen/nnsuite/speech/v1/speech_pb.js';
import { TrainingService } from '../../gen/nnsuite/training/v1/training_pb.js';
import { connectBackend, type Backend } from '../../gateway/backend.js';
import { checkRate, MODEL_SAMPLE_RATE, StreamingAudioDecoder, type AudioEncodingName } from '../ml/audio/audio-input.js';
import { AudioFormatError, encodePcm16, encodeWav } from '../ml/audio/wav.js';
import { initBackend } from '../ml/backend.js';
import { env, intEnv, serviceAddress } from '../runtime/config.js';
import { failedPrecondition, invalidArgument, notFound, resourceExhausted, unavailable } from '../runtime/errors.js';
import { withIdleTimeout } from '../runtime/idle-stream.js';
import type { ServiceDefinition } from '../runtime/serve.js';
import { convertSpeech } from './converter.js';
import { MAX_PERSONALIZE_SECONDS, MAX_PERSONALIZE_STEPS, MODEL_ARTIFACT_PREFIX, personalizeJob, type PersonalizeExample } from './jobs.js';
import { BASE_MODEL_ID, ModelNotReadyError, ModelStore, type JobOutcome } from './model-store.js';
import type { LoadedParrotron } from './model/model-io.js';
import { SilenceSegmenter } from './silence-segmenter.js';

export interface ParrotronConfig {
  /** Base checkpoint (NNSUITE_PARROTRON_MODEL_DIR, default models/parrotron/base). */
  modelDir: string;
  /** Training service for Personalize (NNSUITE_TRAINING_ADDRESS). */
  trainingAddress: string;
  /** Longest input clip or stream segment, seconds (NNSUITE_PARROTRON_MAX_SECONDS, default 20). */
  maxSeconds: number;
  /** Open StreamingConvert calls (NNSUITE_PARROTRON_MAX_STREAMS, default 8). */
  maxStreams: number;
  /** Silence that ends a streamed segment (NNSUITE_PARROTRON_ENDPOINT_MS, default 400). */
  endpointMs: number;
  /** A StreamingConvert call with no request for this long ends with OUT_OF_RANGE (NNSUITE_PARROTRON_IDLE_TIMEOUT_MS, default 10000). */
  idleTimeoutMs: number;
}

export function parrotronConfigFromEnv(environment: NodeJS.ProcessEnv = process.env): ParrotronConfig {
  return {
    modelDir: env('parrotron', 'MODEL_DIR', environment) ?? 'models/parrotron/base',
    trainingAddress: serviceAddress('training', environment),
    maxSeconds: intEnv('parrotron', 'MAX_SECONDS', 20, environment),
    maxStreams: intEnv('parrotron', 'MAX_STREAMS', 8, environment),
    endpointMs: intEnv('parrotron', 'ENDPOINT_MS', 400, environment),
    idleTimeoutMs: intEnv('parrotron', 'IDLE_TIMEOUT_MS', 10_000, environment),
  };
}

const MAX_CHUNK_BYTES = 256 * 1024;
const MIN_EXAMPLES = 5;
const MAX_EXAMPLES = 50;

export function createParrotronService(config: ParrotronConfig = parrotronConfigFromEnv()): ServiceDefinition {
  let store: ModelStore | undefined;
  let training: Backend | undefined;
  const trainingClient = () => (training ??= connectBackend(config.trainingAddress)).client(TrainingService);
  // The personalized checkpoint comes back through the orchestrator's artifacts (a Kubernetes Job shares no
  // disk with this service): its `model/…` files are downloaded into `<dataDir>/personalized/<job id>/`.
  const jobOutcome = async (name: string, dataDir: string): Promise<JobOutcome> => {
    const job = await trainingClient().getJob({ name });
    if (job.state === JobState.SUCCEEDED) {
      const modelDir = join(dataDir, 'personalized', name.replace(/^jobs\//, ''));
      for (const artifact of job.artifacts.filter((a) => a.path.startsWith(MODEL_ARTIFACT_PREFIX))) {
        const file = join(modelDir, artifact.path.slice(MODEL_ARTIFACT_PREFIX.length));
        mkdirSync(dirname(file), { recursive: true });
        const chunks = async function* () {
          for await (const chunk of trainingClient().downloadArtifact({ name, path: artifact.path })) yield chunk.data;
        };
        await pipeline(chunks, createWriteStream(file));
      }
      return { state: 'succeeded', modelDir };
    }
    if (job.state === JobState.FAILED || job.state === JobState.CANCELLED) return { state: 'failed', error: job.error };
    return { state: 'running' };
  };
  const ready = () => {
    if (!store?.ready) throw unavailable('parrotron models are still loading');
    return store;
  };
  return {
    name: 'parrotron',
    services: [ParrotronService],
    routes: (router) => router.service(ParrotronService, handlers(config, ready, trainingClient)),
    ready: async (runtime) => {
      await initBackend();
      store = new ModelStore(resolve(config.modelDir), runtime.config.dataDir, (job) => jobOutcome(job, runtime.config.dataDir));
      store.load();
      runtime.log.info('parrotron models loaded', { modelDir: config.modelDir });
    },
    close: async () => {
      store?.close();
      training?.close();
    },
  };
}

function encodingName(encoding: AudioEncoding, field: string): AudioEncodingName {
  if (encoding === AudioEncoding.LINEAR16) return 'linear16';
  if (encoding === AudioEncoding.WAV) return 'wav';
  throw invalidArgument(field, 'must be LINEAR16 or WAV');
}

function checkSampleRate(encoding: AudioEncodingName, rate: number, field: string): void {
  if (encoding === 'wav' && rate === 0) return;
  try {
    checkRate(rate);
  } catch (error) {
    throw invalidArgument(field, (error as Error).message);
  }
}

/** Decode a whole clip to 16 kHz; `prefix` names the message holding the audio. */
function decodeClip(audio: Uint8Array, encoding: AudioEncodingName, rate: number, maxSeconds: number, prefix: string): Float32Array {
  const field = `${prefix}audio_content`;
  if (audio.length === 0) throw invalidArgument(field, 'must not be empty');
  if (audio.length > maxSeconds * 48000 * 2 + 64 * 1024) throw invalidArgument(field, `${audio.length} bytes is longer than the ${maxSeconds} s limit`);
  try {
    const decoder = new StreamingAudioDecoder(encoding, rate);
    const head = decoder.push(audio);
    const tail = decoder.flush();
    const samples = new Float32Array(head.length + tail.length);
    samples.set(head);
    samples.set(tail, head.length);
    if (samples.length > maxSeconds * MODEL_SAMPLE_RATE) throw invalidArgument(field, `${(samples.length / MODEL_SAMPLE_RATE).toFixed(1)} s exceeds the ${maxSeconds} s limit`);
    if (samples.length < 1600) throw invalidArgument(field, 'shorter than 0.1 s');
    return samples;
  } catch (error) {
    throw error instanceof AudioFormatError ? invalidArgument(field, error.message) : error;
  }
}

async function model(store: ModelStore, id: string, field: string): Promise<LoadedParrotron> {
  try {
    const found = await store.get(id);
    if (!found) throw notFound('model', id);
    return found;
  } catch (error) {
    throw error instanceof ModelNotReadyError ? failedPrecondition(`${field}: ${error.message}`) : error;
  }
}

function checkConfig(config: ConversionConfig | undefined, prefix: string): { encoding: AudioEncodingName; rate: number; model: string } {
  if (!config) throw invalidArgument(prefix, 'is required');
  const encoding = encodingName(config.encoding, `${prefix}.encoding`);
  checkSampleRate(encoding, config.sampleRateHertz, `${prefix}.sample_rate_hertz`);
  return { encoding, rate: config.sampleRateHertz, model: config.model };
}

const wav = (samples: Float32Array) => encodeWav(samples, MODEL_SAMPLE_RATE);

function handlers(config: ParrotronConfig, ready: () => ModelStore, trainingClient: () => Client<typeof TrainingService>): ServiceImpl<typeof ParrotronService> {
  let openStreams = 0;
  return {
    async convert(request) {
      const store = ready();
      const c = checkConfig(request.config, 'config');
      const loaded = await model(store, c.model, 'config.model');
      const samples = decodeClip(request.audioContent, c.encoding, c.rate, config.maxSeconds, '');
      const out = convertSpeech(loaded, samples);
      return create(ConvertResponseSchema, { audioContent: wav(out.samples), durationSeconds: out.samples.length / MODEL_SAMPLE_RATE, phonemes: out.phonemes.join(' '), model: c.model || 'base' });
    },

    async *streamingConvert(requests: AsyncIterable<StreamingConvertRequest>, ctx: HandlerContext) {
      const store = ready();
      if (openStreams >= config.maxStreams) throw resourceExhausted(`${openStreams} conversion streams are open (limit ${config.maxStreams})`);
      openStreams++;
      try {
        let decoder: StreamingAudioDecoder | undefined;
        let loaded: LoadedParrotron | undefined;
        const segmenter = new SilenceSegmenter(config.endpointMs, config.maxSeconds * MODEL_SAMPLE_RATE);
        const respond = (segment: { samples: Float32Array; startSample: number; endSample: number }) => {
          const out = convertSpeech(loaded!, segment.samples);
          return create(StreamingConvertResponseSchema, {
            audioContent: wav(out.samples), inputStartSeconds: segment.startSample / MODEL_SAMPLE_RATE,
            inputEndSeconds: segment.endSample / MODEL_SAMPLE_RATE, phonemes: out.phonemes.join(' '),
          });
        };
        for await (const request of withIdleTimeout(requests, config.idleTimeoutMs, ctx.signal)) {
          const message = request.streamingRequest;
          if (!decoder) {
            if (message.case !== 'config') throw invalidArgument('config', 'the first request must carry the configuration (audio arrived before config)');
            const c = checkConfig(message.value, 'config');
            loaded = await model(store, c.model, 'config.model');
            decoder = new StreamingAudioDecoder(c.encoding, c.rate);
            continue;
          }
          if (message.case === 'config') throw invalidArgument('config', 'only the first request may carry the configuration');
          if (message.case !== 'audioContent') throw invalidArgument('streaming_request', 'each request must set config or audio_content');
          if (message.value.length > MAX_CHUNK_BYTES) throw invalidArgument('audio_content', `chunk of ${message.value.length} bytes exceeds the ${MAX_CHUNK_BYTES}-byte limit`);
          let samples: Float32Array;
          try {
            samples = decoder.push(message.value);
          } catch (error) {
            throw error instanceof AudioFormatError ? invalidArgument('audio_content', error.message) : error;
          }
          for (const segment of segmenter.push(samples)) yield respond(segment);
        }
        if (!decoder) return;
        for (const segment of [...segmenter.push(decoder.flush()), ...segmenter.flush()]) yield respond(segment);
      } finally {
        openStreams--;
      }
    },

    async listModels() {
      const infos = await ready().list();
      return create(ListModelsResponseSchema, {
        models: infos.map((i) => ({ id: i.id, baseModel: i.baseModel, speaker: i.speaker, job: i.job, createTime: i.createTime ? timestampFromDate(new Date(i.createTime)) : undefined })),
      });
    },

    async personalize(request) {
      const store = ready();
      if (!/^[a-z0-9-]{1,32}$/.test(request.speaker)) throw invalidArgument('speaker', 'must match [a-z0-9-]{1,32}');
      const base = request.baseModel || BASE_MODEL_ID;
      if (!store.dirOf(base)) throw notFound('model', request.baseModel);
      // The job runs where only the image's files are (a Kubernetes pod): it starts from the shipped base.
      if (base !== BASE_MODEL_ID) throw invalidArgument('base_model', `personalization fine-tunes the base model, not "${base}"`);
      if (request.examples.length < MIN_EXAMPLES || request.examples.length > MAX_EXAMPLES) throw invalidArgument('examples', `needs ${MIN_EXAMPLES} to ${MAX_EXAMPLES} examples, got ${request.examples.length}`);
      if (request.steps < 0 || request.steps > MAX_PERSONALIZE_STEPS) throw invalidArgument('steps', `must be in [0, ${MAX_PERSONALIZE_STEPS}]`);
      let seconds = 0;
      const examples: PersonalizeExample[] = request.examples.map((e, i) => {
        const prefix = `examples[${i}].`;
        const encoding = encodingName(e.encoding, `${prefix}encoding`);
        checkSampleRate(encoding, e.sampleRateHertz, `${prefix}sample_rate_hertz`);
        const transcript = e.transcript.trim().toLowerCase();
        if (!/^[a-z0-9' ]{1,200}$/.test(transcript)) throw invalidArgument(`${prefix}transcript`, 'must be 1–200 letters, digits, apostrophes and spaces');
        const samples = decodeClip(e.audioContent, encoding, e.sampleRateHertz, config.maxSeconds, prefix);
        seconds += samples.length / MODEL_SAMPLE_RATE;
        return { transcript, pcm16_base64: Buffer.from(encodePcm16(samples)).toString('base64') };
      });
      if (seconds > MAX_PERSONALIZE_SECONDS) throw invalidArgument('examples', `${seconds.toFixed(1)} s of audio in all exceeds the ${MAX_PERSONALIZE_SECONDS} s limit`);
      const spec = { base_model_dir: config.modelDir, examples, steps: request.steps || 30, learning_rate: 5e-4 };
      personalizeJob.validate(spec);
      const job = await trainingClient().createJob({ job: { type: personalizeJob.name, spec } });
      store.addPending(request.speaker, request.baseModel, job.name);
      return create(PersonalizeResponseSchema, { job });
    },
  };
}
