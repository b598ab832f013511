import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status, type ServiceError } from '@grpc/grpc-js';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { AudioEncoding, ModelPrecision, SpeechEventType, SpeechService, type StreamingRecognizeRequestSchema, type StreamingRecognizeResponse } from '../../gen/nnsuite/speech/v1/speech_pb.js';
import { resample } from '../ml/audio/resample.js';
import { encodeWav } from '../ml/audio/wav.js';
import { initBackend, tf } from '../ml/backend.js';
import { serve, type RunningService } from '../runtime/serve.js';
import { grpcClient, type GrpcTestClient } from '../runtime/testing.js';
import { createSpeechService } from './service.js';
import { overfitTinyModel, saveTestModel, synthesizeTestUtterances, type TestUtterance } from './test-fixtures.js';

const CHUNK_BYTES = 3200; // 100 ms of 16 kHz LINEAR16
const linear16Config = (extra: Record<string, unknown> = {}) => ({
  streamingRequest: { case: 'streamingConfig' as const, value: { config: { encoding: AudioEncoding.LINEAR16, sampleRateHertz: 16000, languageCode: 'en-US', ...extra }, interimResults: true } },
});
const audio = (bytes: Uint8Array) => ({ streamingRequest: { case: 'audioContent' as const, value: bytes } });
type Request = MessageInitShape<typeof StreamingRecognizeRequestSchema>;

function chunks(bytes: Uint8Array, size = CHUNK_BYTES): Uint8Array[] {
  const out = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(condition(), `timed out waiting for ${what}`);
}

describe('SpeechService over gRPC (tiny model overfit on synthesized speech)', function () {
  this.timeout(900_000);
  let utterances: TestUtterance[];
  let dir: string;
  let running: RunningService;
  let service: ReturnType<typeof createSpeechService>;
  let client: GrpcTestClient;

  before(async function () {
    await initBackend();
    utterances = await synthesizeTestUtterances();
    const fit = await overfitTinyModel(utterances, 500);
    assert.ok(fit.exact, `the tiny model did not overfit in ${fit.steps} steps`);
    dir = mkdtempSync(join(tmpdir(), 'speech-service-'));
    saveTestModel(dir, fit.model, fit.normalizer);
    fit.model.dispose();
    service = createSpeechService({ modelDir: dir, defaultPrecision: 'fp32', idleTimeoutMs: 1500, maxStreams: 8, endpointSilenceMs: 800, defaultBeamWidth: 4 });
    running = await serve(service, { port: 0, httpPort: 0 });
    await running.ready;
    client = grpcClient(SpeechService, `127.0.0.1:${running.port}`);
  });

  after(async () => {
    client?.close();
    await running?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Send requests on one bidi call; resolve with the responses and the final status error (if any). */
  function stream(requests: Request[], options: { endAfter?: boolean } = {}): Promise<{ responses: StreamingRecognizeResponse[]; error?: ServiceError }> {
    return new Promise((resolve) => {
      const call = client.bidi(SpeechService.method.streamingRecognize);
      const responses: StreamingRecognizeResponse[] = [];
      call.on('data', (r: StreamingRecognizeResponse) => responses.push(r));
      call.on('error', (error: ServiceError) => resolve({ responses, error }));
      call.on('end', () => resolve({ responses }));
      for (const r of requests) call.write(r);
      if (options.endAfter ?? true) call.end();
    });
  }

  it('decodes each utterance exactly through the bidi RPC, with interim results before the final one', async () => {
    for (const u of utterances) {
      const { responses, error } = await stream([linear16Config(), ...chunks(u.pcm16).map(audio)]);
      assert.equal(error, undefined);
      const results = responses.flatMap((r) => r.results);
      const finals = results.filter((r) => r.isFinal);
      assert.deepEqual(finals.map((r) => r.alternatives[0].transcript), [u.text]);
      const firstFinal = results.findIndex((r) => r.isFinal);
      const interims = results.slice(0, firstFinal).filter((r) => !r.isFinal);
      assert.ok(interims.length >= 1, `no interim result before the final for "${u.text}"`);
      for (const r of interims) assert.ok(r.stability > 0 && r.stability <= 1);
      assert.ok(u.text.startsWith(interims[interims.length - 1].alternatives[0].transcript.slice(0, 1)));
    }
  });

  it('ends an utterance on silence (a final per utterance) and stops after the first with single_utterance', async () => {
    const [yes, , stop] = utterances;
    const pause = new Uint8Array(2 * 16000 * 1.2); // 1.2 s of silence: longer than the 800 ms endpoint
    const both = new Uint8Array(yes.pcm16.length + pause.length + stop.pcm16.length);
    both.set(yes.pcm16);
    both.set(stop.pcm16, yes.pcm16.length + pause.length);
    const { responses, error } = await stream([linear16Config(), ...chunks(both).map(audio)]);
    assert.equal(error, undefined);
    const finals = responses.flatMap((r) => r.results).filter((r) => r.isFinal);
    // The tiny model memorized its three clips with 0.3 s of leading silence; the second utterance here starts
    // after a longer pause, so only the first transcript is asserted exactly.
    assert.deepEqual(finals.map((r) => r.utteranceIndex), [0, 1]);
    assert.equal(finals[0].alternatives[0].transcript, 'yes');
    assert.ok(finals[1].alternatives[0].transcript.length > 0);

    const single = await stream([{ streamingRequest: { case: 'streamingConfig', value: { config: { encoding: AudioEncoding.LINEAR16, sampleRateHertz: 16000 }, singleUtterance: true } } }, ...chunks(both).map(audio)]);
    assert.equal(single.error, undefined);
    const last = single.responses[single.responses.length - 1];
    assert.equal(last.speechEventType, SpeechEventType.END_OF_SINGLE_UTTERANCE);
    assert.deepEqual(single.responses.flatMap((r) => r.results).filter((r) => r.isFinal).map((r) => r.alternatives[0].transcript), ['yes']);
  });

  it('Recognize decodes a 48 kHz WAV (resampled) and the int8 model, with word offsets and the default beam\'s alternatives', async () => {
    const u = utterances[1];
    const wav = encodeWav(resample(u.samples, 16000, 48000), 48000);
    const response = await client.unary(SpeechService.method.recognize, {
      config: { encoding: AudioEncoding.WAV, maxAlternatives: 2, enableWordTimeOffsets: true }, // beam_width 0: the server's 4
      audioContent: wav,
    });
    assert.equal(response.results.map((r) => r.alternatives[0].transcript).join(' '), u.text);
    assert.equal(response.results[0].alternatives.length, 2);
    const best = response.results[0].alternatives[0];
    assert.deepEqual(best.words.map((w) => w.word), u.text.split(' '));
    const seconds = (d?: { seconds: bigint; nanos: number }) => Number(d?.seconds ?? 0n) + (d?.nanos ?? 0) / 1e9;
    const total = seconds(response.totalAudioDuration);
    assert.ok(Math.abs(total - u.samples.length / 16000) < 0.01);
    let previous = 0;
    for (const w of best.words) {
      assert.ok(seconds(w.startOffset) >= previous && seconds(w.endOffset) > seconds(w.startOffset) && seconds(w.endOffset) <= total + 0.1);
      previous = seconds(w.endOffset);
    }
    const int8 = await client.unary(SpeechService.method.recognize, {
      config: { encoding: AudioEncoding.LINEAR16, sampleRateHertz: 16000, modelPrecision: ModelPrecision.INT8 },
      audioContent: utterances[0].pcm16,
    });
    assert.equal(int8.results.map((r) => r.alternatives[0].transcript).join(' '), utterances[0].text);
  });

  it('frees a cancelled stream\'s recurrent state', async () => {
    const baseline = tf.memory().numTensors;
    for (const beamWidth of [1, 4]) {
      const call = client.bidi(SpeechService.method.streamingRecognize);
      call.on('error', () => undefined);
      call.write(linear16Config({ beamWidth }));
      for (const c of chunks(utterances[0].pcm16).slice(0, 4)) call.write(audio(c));
      await until(() => service.engine.activeStreams === 1, 'the stream to open');
      await until(() => tf.memory().numTensors > baseline, 'the stream to hold state');
      call.cancel();
      await until(() => service.engine.activeStreams === 0, 'the cancelled stream to close');
      assert.equal(tf.memory().numTensors, baseline);
    }
  });

  const badInputs: [string, Request[], status, RegExp][] = [
    ['audio before the config', [audio(new Uint8Array(320))], status.INVALID_ARGUMENT, /streaming_config: the first request/],
    ['no encoding', [{ streamingRequest: { case: 'streamingConfig', value: { config: { sampleRateHertz: 16000 } } } }], status.INVALID_ARGUMENT, /encoding: must be LINEAR16 or WAV/],
    ['an unsupported rate', [linear16Config({ sampleRateHertz: 44100 })], status.INVALID_ARGUMENT, /sample_rate_hertz: .*44100/],
    ['another language', [linear16Config({ languageCode: 'fr-FR' })], status.INVALID_ARGUMENT, /language_code/],
    ['an odd LINEAR16 byte count', [linear16Config(), audio(new Uint8Array(321))], status.INVALID_ARGUMENT, /audio_content: .*even number of bytes/],
    ['an oversized chunk', [linear16Config(), audio(new Uint8Array(300 * 1024))], status.INVALID_ARGUMENT, /audio_content: chunk of 307200 bytes exceeds/],
    ['a second config', [linear16Config(), linear16Config()], status.INVALID_ARGUMENT, /only the first request/],
    ['too wide a beam', [linear16Config({ beamWidth: 17 })], status.INVALID_ARGUMENT, /beam_width: must be in \[0, 16\]/],
    ['two alternatives from greedy decoding', [linear16Config({ beamWidth: 1, maxAlternatives: 2 })], status.INVALID_ARGUMENT, /max_alternatives: must be in \[0, beam_width = 1\]/],
    ['bytes that are not WAV', [{ streamingRequest: { case: 'streamingConfig', value: { config: { encoding: AudioEncoding.WAV } } } }, audio(new TextEncoder().encode('definitely not a riff file'))], status.INVALID_ARGUMENT, /audio_content: not a RIFF/],
  ];
  for (const [what, requests, code, message] of badInputs) {
    it(`answers ${what} with ${status[code]}, while another stream keeps decoding`, async () => {
      const good = stream([linear16Config(), ...chunks(utterances[2].pcm16).map(audio)]);
      const bad = await stream(requests);
      assert.equal(bad.error?.code, code, `${what}: ${bad.error?.details}`);
      assert.match(decodeURIComponent(bad.error!.details), message);
      const ok = await good;
      assert.equal(ok.error, undefined);
      assert.equal(ok.responses.flatMap((r) => r.results).filter((r) => r.isFinal)[0]?.alternatives[0].transcript, utterances[2].text);
    });
  }

  it('refuses a default beam width outside 1..16 at start-up', () => {
    for (const defaultBeamWidth of [0, 17]) {
      assert.throws(() => createSpeechService({ modelDir: dir, defaultPrecision: 'fp32', idleTimeoutMs: 1500, maxStreams: 8, endpointSilenceMs: 800, defaultBeamWidth }), /NNSUITE_SPEECH_BEAM_WIDTH/);
    }
  });

  it('closes an idle stream with OUT_OF_RANGE and frees it', async () => {
    const { error } = await stream([linear16Config(), audio(new Uint8Array(3200))], { endAfter: false });
    assert.equal(error?.code, status.OUT_OF_RANGE);
    assert.match(decodeURIComponent(error!.details), /idle/);
    await until(() => service.engine.activeStreams === 0, 'the idle stream to close');
  });
});
