import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createGrpcTransport, Http2SessionManager } from '@connectrpc/connect-node';
import type * as grpc from '@grpc/grpc-js';
import { IngestDocumentsRequestSchema, RetrievalService, type IngestDocumentsResponse } from '../../gen/nnsuite/retrieval/v1/retrieval_pb.js';
import { serve, type RunningService } from '../runtime/serve.js';
import { grpcClient, type GrpcTestClient } from '../runtime/testing.js';
import { RetrievalEngine } from './retrieval-engine.js';
import { createRetrievalService } from './service.js';
import { makeTestCorpus } from './test-corpus.js';

const methods = Object.fromEntries(RetrievalService.methods.map((m) => [m.localName, m]));

describe('RetrievalService over gRPC', function () {
  this.timeout(60_000);
  let dir: string;
  let running: RunningService;
  let client: GrpcTestClient;

  const start = async (): Promise<void> => {
    running = await serve(createRetrievalService({ openEngine: (d) => RetrievalEngine.open({ dir: d }) }), { port: 0, httpPort: 0, dataDir: dir });
    await running.ready;
    client = grpcClient(RetrievalService, `127.0.0.1:${running.port}`);
  };
  const stop = async (): Promise<void> => {
    client.close();
    await running.close();
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nnsuite-retrieval-service-'));
    await start();
  });
  after(async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const ingest = (docs: ReturnType<typeof makeTestCorpus>): Promise<IngestDocumentsResponse> =>
    new Promise((resolve, reject) => {
      const call = client.clientStream(methods.ingestDocuments!, undefined, (error, response) => (error ? reject(error) : resolve(response as IngestDocumentsResponse)));
      for (const d of docs) {
        call.write(create(IngestDocumentsRequestSchema, { document: { id: d.id, text: d.text, metadata: { title: d.title, authors: d.authors, journal: d.journal, publishTime: d.publishTime, url: d.url } } }));
      }
      call.end();
    });

  it('ingests a stream, reporting a bad row by number, and serves search with metadata and snippets', async () => {
    const docs = makeTestCorpus(40);
    const report = await ingest([...docs.slice(0, 10), { ...docs[10]!, id: '' }, ...docs.slice(11)]);
    assert.equal(Number(report.ingestedCount), 39);
    assert.deepEqual(report.errors.map((e) => [Number(e.row), e.reason]), [[11, 'id: must not be empty']]);
    const out = (await client.unary(methods.search!, { query: 'remdesivir RNA polymerase', topK: 3 })) as any;
    assert.equal(out.results.length, 3);
    const top = out.results[0];
    const doc = docs.find((d) => d.id === top.id)!;
    assert.equal(top.metadata.title, doc.title);
    assert.deepEqual(top.metadata.authors, doc.authors);
    assert.equal(top.metadata.url, doc.url);
    const text = `${doc.title}\n${doc.text}`;
    for (const s of top.snippets) {
      assert.equal(text.slice(s.start, s.end), s.text);
      for (const h of s.highlights) assert.ok(s.matchedTerms.length > 0 && h.start >= s.start && h.end <= s.end);
    }
    assert.ok(top.snippets[0].matchedTerms.includes('remdesivir'));
    const follow = (await client.unary(methods.followUp!, { sessionId: out.sessionId, question: 'hospitalised patients', topK: 10 })) as any;
    assert.ok(follow.results.every((r: { id: string }) => out.results.some((o: { id: string }) => o.id === r.id)));
    const got = (await client.unary(methods.getDocument!, { id: doc.id })) as any;
    assert.equal(got.indexedText, text);
    for (const p of got.passages) assert.equal(text.slice(p.start, p.end), p.text);
  });

  it('answers bad input with INVALID_ARGUMENT / NOT_FOUND naming the field, and keeps serving', async () => {
    const status = (p: Promise<unknown>): Promise<[number, string]> => p.then(() => [0, ''], (e: grpc.ServiceError) => [e.code, decodeURIComponent(e.details)]);
    // (connect-node percent-encodes grpc-message as the gRPC spec allows; grpc-js passes it through as is.)
    const INVALID = 3;
    const NOT_FOUND = 5;
    assert.deepEqual(await status(client.unary(methods.search!, { query: '' })), [INVALID, 'query: must not be empty']);
    assert.deepEqual(await status(client.unary(methods.search!, { query: 'x'.repeat(2000) })), [INVALID, 'query: longer than 1024 characters']);
    assert.deepEqual(await status(client.unary(methods.search!, { query: 'ace2', topK: 5000 })), [INVALID, 'top_k: must be between 1 and 1000']);
    assert.deepEqual(await status(client.unary(methods.followUp!, { sessionId: 'nope', question: 'ace2' })), [NOT_FOUND, 'session "nope" not found']);
    assert.deepEqual(await status(client.unary(methods.getDocument!, { id: 'nope' })), [NOT_FOUND, 'document "nope" not found']);
    const ok = (await client.unary(methods.search!, { query: 'ace2' })) as any;
    assert.ok(ok.results.length > 0);
  });

  it('serves the same results after a restart (Connect client)', async () => {
    const sessions = new Http2SessionManager(`http://127.0.0.1:${running.port}`);
    const connect = createClient(RetrievalService, createGrpcTransport({ baseUrl: `http://127.0.0.1:${running.port}`, sessionManager: sessions }));
    const before = await connect.search({ query: 'interleukin-6 cytokine release', topK: 10 });
    await connect.deleteDocuments({ ids: [before.results[0]!.id] });
    const afterDelete = await connect.search({ query: 'interleukin-6 cytokine release', topK: 10 });
    sessions.abort();
    await stop();
    await start();
    const sessions2 = new Http2SessionManager(`http://127.0.0.1:${running.port}`);
    const connect2 = createClient(RetrievalService, createGrpcTransport({ baseUrl: `http://127.0.0.1:${running.port}`, sessionManager: sessions2 }));
    const restarted = await connect2.search({ query: 'interleukin-6 cytokine release', topK: 10 });
    assert.deepEqual(restarted.results.map((r) => [r.id, r.score]), afterDelete.results.map((r) => [r.id, r.score]));
    await assert.rejects(connect2.getDocument({ id: before.results[0]!.id }), (e: ConnectError) => e.code === Code.NotFound);
    sessions2.abort();
  });
});
