import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { status } from '@grpc/grpc-js';
import { ParrotronService } from '../../gen/nnsuite/parrotron/v1/parrotron_pb.js';
import { AudioEncoding } from '../../gen/nnsuite/speech/v1/speech_pb.js';
import { canonicalSpeech, speakerSpeech } from '../../scripts/data/parrotron-pairs.js';
import { HELD_OUT_SPEAKERS, TRAIN_SPEAKERS } from '../../scripts/data/parrotron-speakers.js';
import { resample } from '../ml/audio/resample.js';
import { decodeWav, encodePcm16, encodeWav } from '../ml/audio/wav.js';
import { serve, type RunningService } from '../runtime/serve.js';
import { collect, freePort, grpcClient, grpcError, type GrpcTestClient } from '../runtime/testing.js';
import { JobRegistry } from '../training/job-registry.js';
import { FakeKubernetesApi } from '../training/k8s-fake-api.js';
import { KubernetesExecutor } from '../training/k8s-executor.js';
import { parseJobTemplate } from '../training/k8s-job-manifest.js';
import { eventually } from '../training/training-test-harness.js';
import { startTrainingServer, type TrainingServer } from '../training/training-server.js';
import { jobTypes } from './jobs.js';
import { createParrotronService } from './service.js';

const BASE_MODEL = 'models/parrotron/base';
const QUIET_ENV = { ...process.env, NNSUITE_LOG_LEVEL: 'warn' };
const rpc = Object.fromEntries(ParrotronService.methods.map((m) => [m.localName, m])) as Record<'convert' | 'streamingConvert' | 'listModels' | 'personalize', (typeof ParrotronService.methods)[number]>;


const linear16 = { encoding: AudioEncoding.LINEAR16, sampleRateHertz: 16000 };
const withSilence = (samples: Float32Array, seconds = 0.3) => {
  const pad = Math.round(seconds * 16000);
  const out = new Float32Array(samples.length + 2 * pad);
  out.set(samples, pad);
  return out;
};

describe('parrotron service (grpc-js client; training orchestrator running jobs as Kubernetes Jobs)', function () {
  this.timeout(900_000); // a few CPU-minutes; wall time grows with the machine's load
  let dataDir: string;
  let training: TrainingServer;
  // Personalization runs as a Kubernetes Job (a fake API server whose kubelet runs the real worker without
  // --artifact-dir): the job shares no folder with either service, so its checkpoint must come back as an
  // uploaded artifact.
  const kubernetes = new FakeKubernetesApi('nnsuite-test', QUIET_ENV);
  let running: RunningService;
  let client: GrpcTestClient;
  let heldOut: Float32Array;
  let canonical: Float32Array;

  before(async function () {
    if (!existsSync(path.join(BASE_MODEL, 'model.json'))) {
      console.log(`      skipped: no checkpoint in ${BASE_MODEL} (npx tsx scripts/train/parrotron.ts)`);
      this.skip();
    }
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'nnsuite-parrotron-'));
    await kubernetes.start();
    const port = await freePort();
    const template = parseJobTemplate({ image: 'nnsuite:test', namespace: 'nnsuite-test', orchestratorAddress: `127.0.0.1:${port}`, backoffLimit: 0, ttlSecondsAfterFinished: 600 });
    training = await startTrainingServer({
      dataDir: path.join(dataDir, 'training'), port, httpPort: 0, env: QUIET_ENV,
      executor: new KubernetesExecutor(kubernetes.kubeConfig(), template, { capacity: 1, rewatchDelayMs: 100 }), registry: new JobRegistry().register(...jobTypes),
    });
    const config = { modelDir: BASE_MODEL, trainingAddress: `127.0.0.1:${port}`, maxSeconds: 20, maxStreams: 2, endpointMs: 400, idleTimeoutMs: 1500 };
    running = await serve(createParrotronService(config), { port: 0, httpPort: 0, dataDir: path.join(dataDir, 'parrotron'), env: QUIET_ENV });
    await running.ready;
    client = grpcClient(ParrotronService, `127.0.0.1:${running.port}`);
    heldOut = withSilence(await speakerSpeech(HELD_OUT_SPEAKERS[1], 'four two'));
    canonical = await canonicalSpeech('four two');
  });
  after(async () => {
    client?.close();
    await running?.close();
    await training?.close();
    await kubernetes.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('converts a held-out speaker into valid 16 kHz audio of plausible length', async () => {
    const res = await client.unary(rpc.convert, { config: linear16, audioContent: encodePcm16(heldOut) }) as any;
    const out = decodeWav(res.audioContent);
    assert.equal(out.sampleRate, 16000);
    assert.equal(res.model, 'base');
    const seconds = out.samples.length / 16000;
    assert.ok(Math.abs(res.durationSeconds - seconds) < 1e-6);
    assert.ok(seconds > 0.3 * canonical.length / 16000 && seconds < 2 * heldOut.length / 16000 + 0.2, `${seconds} s for ${canonical.length / 16000} s of canonical speech`);
    assert.ok(out.samples.every(Number.isFinite) && Math.max(...out.samples.map(Math.abs)) > 0.1, 'audible, finite');
  });

  it('accepts WAV at 8 kHz', async () => {
    const res = await client.unary(rpc.convert, { config: { encoding: AudioEncoding.WAV }, audioContent: encodeWav(resample(heldOut, 16000, 8000), 8000) }) as any;
    assert.ok(decodeWav(res.audioContent).samples.length > 1600);
  });

  it('rejects bad input with a status naming the field', async () => {
    const audioContent = encodePcm16(heldOut);
    const cases: [object, number, RegExp][] = [
      [{ audioContent }, status.INVALID_ARGUMENT, /config/],
      [{ config: { encoding: AudioEncoding.UNSPECIFIED, sampleRateHertz: 16000 }, audioContent }, status.INVALID_ARGUMENT, /config\.encoding/],
      [{ config: { ...linear16, sampleRateHertz: 44100 }, audioContent }, status.INVALID_ARGUMENT, /sample_rate_hertz/],
      [{ config: linear16, audioContent: new Uint8Array(0) }, status.INVALID_ARGUMENT, /audio_content/],
      [{ config: linear16, audioContent: new Uint8Array(3) }, status.INVALID_ARGUMENT, /audio_content/],
      [{ config: { encoding: AudioEncoding.WAV }, audioContent: new Uint8Array(100) }, status.INVALID_ARGUMENT, /audio_content/],
      [{ config: { ...linear16, model: 'speaker-nobody-1' }, audioContent }, status.NOT_FOUND, /speaker-nobody-1/],
    ];
    for (const [request, code, pattern] of cases) {
      const error = await grpcError(client.unary(rpc.convert, request as any));
      assert.equal(error.code, code, `${JSON.stringify(Object.keys(request))}: ${error.details}`);
      assert.match(error.details, pattern);
    }
  });

  it('streams a converted segment per spoken phrase', async () => {
    const second = withSilence(await speakerSpeech(TRAIN_SPEAKERS[0], 'nine'), 0.6);
    const audio = encodePcm16(Float32Array.from([...heldOut, ...second]));
    const call = client.bidi(rpc.streamingConvert);
    const responses = collect(call);
    call.write({ streamingRequest: { case: 'config', value: linear16 } });
    for (let i = 0; i < audio.length; i += 3200) call.write({ streamingRequest: { case: 'audioContent', value: audio.subarray(i, i + 3200) } });
    call.end();
    const segments = await responses as any[];
    assert.equal(segments.length, 2, segments.map((s) => `${s.inputStartSeconds}–${s.inputEndSeconds}`).join(', '));
    assert.ok(segments[0].inputEndSeconds <= segments[1].inputStartSeconds);
    assert.ok(segments[0].inputStartSeconds < heldOut.length / 16000 && segments[1].inputEndSeconds > heldOut.length / 16000);
    for (const s of segments) assert.ok(decodeWav(s.audioContent).samples.length > 1600);

    const early = client.bidi(rpc.streamingConvert);
    const rejected = collect(early);
    early.write({ streamingRequest: { case: 'audioContent', value: audio.subarray(0, 320) } });
    early.end();
    const error = await grpcError(rejected);
    assert.equal(error.code, status.INVALID_ARGUMENT);
    assert.match(error.details, /config/);
  });

  it('ends an idle stream with OUT_OF_RANGE and frees its slot, while another stream converts', async () => {
    // maxStreams is 2: the idle stream and a working one fill it; afterwards two fresh streams must both open.
    const idle = client.bidi(rpc.streamingConvert);
    const idleEnd = grpcError(collect(idle));
    idle.write({ streamingRequest: { case: 'config', value: linear16 } });
    const working = client.bidi(rpc.streamingConvert);
    const converted = collect(working);
    working.write({ streamingRequest: { case: 'config', value: linear16 } });
    working.write({ streamingRequest: { case: 'audioContent', value: encodePcm16(heldOut) } });
    working.end();
    assert.equal((await converted as any[]).length, 1);
    const error = await idleEnd;
    assert.equal(error.code, status.OUT_OF_RANGE);
    assert.match(error.details, /idle/);
    const fresh = [client.bidi(rpc.streamingConvert), client.bidi(rpc.streamingConvert)];
    const ends = fresh.map((call) => collect(call));
    for (const call of fresh) {
      call.write({ streamingRequest: { case: 'config', value: linear16 } });
      call.end();
    }
    assert.deepEqual(await Promise.all(ends), [[], []]);
  });

  it('personalizes through a training job and then serves the new model by id', async () => {
    const speaker = TRAIN_SPEAKERS[9];
    const texts = ['one', 'two three', 'four', 'five six', 'seven'];
    const examples = [];
    for (const text of texts) examples.push({ ...linear16, audioContent: encodePcm16(await speakerSpeech(speaker, text)), transcript: text });
    const tooFew = await grpcError(client.unary(rpc.personalize, { speaker: 'anna', examples: examples.slice(0, 2) }));
    assert.equal(tooFew.code, status.INVALID_ARGUMENT);
    assert.match(tooFew.details, /examples/);
    const badName = await grpcError(client.unary(rpc.personalize, { speaker: 'Anna Smith', examples }));
    assert.match(badName.details, /speaker/);
    const unknownBase = await grpcError(client.unary(rpc.personalize, { speaker: 'anna', baseModel: 'nope', examples }));
    assert.equal(unknownBase.code, status.NOT_FOUND);
    const tooLong = await grpcError(client.unary(rpc.personalize, { speaker: 'anna', examples: Array.from({ length: 7 }, () => ({ ...linear16, audioContent: encodePcm16(new Float32Array(19 * 16000).fill(0.1)), transcript: 'one' })) }));
    assert.equal(tooLong.code, status.INVALID_ARGUMENT);
    assert.match(tooLong.details, /examples: .* exceeds the 120 s limit/);

    const { job } = await client.unary(rpc.personalize, { speaker: 'anna', examples, steps: 3 }) as any;
    assert.equal(job.type, 'parrotron.personalize');
    const models = await eventually(async () => {
      const res = await client.unary(rpc.listModels, {}) as any;
      return res.models.some((m: any) => m.id === 'speaker-anna-1') ? res.models : undefined;
    }, 'the personalized model', 600_000);
    const personal = models.find((m: any) => m.id === 'speaker-anna-1');
    assert.equal(personal.baseModel, 'base');
    assert.equal(personal.speaker, 'anna');
    assert.equal(personal.job, job.name);
    // Served from the checkpoint fetched through the orchestrator's artifacts into parrotron's own data folder.
    assert.ok(existsSync(path.join(dataDir, 'parrotron', 'personalized', job.name.replace('jobs/', ''), 'model.json')));
    const res = await client.unary(rpc.convert, { config: { ...linear16, model: 'speaker-anna-1' }, audioContent: examples[0].audioContent }) as any;
    assert.equal(res.model, 'speaker-anna-1');
    const again = await grpcError(client.unary(rpc.personalize, { speaker: 'anna', baseModel: 'speaker-anna-1', examples }));
    assert.equal(again.code, status.INVALID_ARGUMENT);
    assert.match(again.details, /base_model/);
    assert.ok(decodeWav(res.audioContent).samples.length > 1600);
  });
});
