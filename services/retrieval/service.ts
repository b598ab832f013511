// Thin gRPC handlers for nnsuite.retrieval.v1.RetrievalService: request message → plain arguments →
// RetrievalEngine → response message. Domain errors become gRPC statuses here and nowhere else.
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, type ServiceImpl } from '@connectrpc/connect';
import {
  DocumentMetadataSchema,
  type Document,
  GetDocumentResponseSchema,
  RetrievalService,
  type SearchResult,
  SearchResultSchema,
} from '../../gen/nnsuite/retrieval/v1/retrieval_pb.js';
import { invalidArgument, notFound, resourceExhausted, unavailable } from '../runtime/errors.js';
import type { ServiceDefinition } from '../runtime/serve.js';
import { emptyDocument, indexedText, type StoredDocument } from './document.js';
import { InputError, NotFoundError, type Result, type RetrievalEngine } from './retrieval-engine.js';
import { splitSentences } from './sentence-splitter.js';

/** Documents one ingest stream may carry (they are committed together when it ends). */
export const MAX_DOCUMENTS_PER_STREAM = 1_000_000;

export interface RetrievalServiceOptions {
  /** Open the engine (load the corpus and the neural model) for a data directory. */
  openEngine: (dataDir: string) => Promise<RetrievalEngine>;
}

export function createRetrievalService(options: RetrievalServiceOptions): ServiceDefinition {
  let engine: RetrievalEngine | undefined;
  const ready = (): RetrievalEngine => {
    if (!engine) throw unavailable('the index is still loading');
    return engine;
  };
  return {
    name: 'retrieval',
    services: [RetrievalService],
    routes: (router) => router.service(RetrievalService, handlers(ready)),
    ready: async (runtime) => {
      engine = await options.openEngine(runtime.config.dataDir);
      runtime.log.info('retrieval index loaded', { documents: engine.documentCount, termWeight: engine.defaultTermWeight });
    },
    close: async () => {
      await engine?.drain();
    },
  };
}

function handlers(engine: () => RetrievalEngine): ServiceImpl<typeof RetrievalService> {
  return {
    async ingestDocuments(requests) {
      const docs: StoredDocument[] = [];
      for await (const request of requests) {
        if (docs.length >= MAX_DOCUMENTS_PER_STREAM) throw resourceExhausted(`an ingest stream carries at most ${MAX_DOCUMENTS_PER_STREAM} documents`);
        docs.push(fromMessage(request.document));
      }
      const report = await engine().ingest(docs);
      return {
        ingestedCount: BigInt(report.ingested),
        replacedCount: BigInt(report.replaced),
        errors: report.errors.map((e) => ({ row: BigInt(e.row), id: e.id, reason: e.reason })),
        documentCount: BigInt(report.documentCount),
      };
    },
    async deleteDocuments(request) {
      const report = await engine().delete(request.ids);
      return { deletedCount: BigInt(report.deleted), missingIds: report.missing, documentCount: BigInt(report.documentCount) };
    },
    async search(request) {
      const out = await asStatus(() =>
        engine().search(request.query, { topK: request.topK, termWeight: request.termWeight, snippets: request.snippetsPerResult }),
      );
      return { sessionId: out.sessionId, termWeight: out.termWeight, results: out.results.map(toMessage) };
    },
    async followUp(request) {
      const out = await asStatus(() =>
        engine().followUp(request.sessionId, request.question, {
          topK: request.topK,
          termWeight: request.termWeight,
          contextWeight: request.contextWeight,
          snippets: request.snippetsPerResult,
        }),
      );
      return { sessionId: out.sessionId, results: out.results.map(toMessage) };
    },
    async getDocument(request) {
      const doc = await asStatus(async () => engine().getDocument(request.id));
      const text = indexedText(doc);
      return create(GetDocumentResponseSchema, {
        document: { id: doc.id, metadata: metadata(doc), text: doc.text },
        indexedText: text,
        passages: splitSentences(text).map((s) => ({ text: text.slice(s.start, s.end), start: s.start, end: s.end })),
      });
    },
  };
}

async function asStatus<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof InputError) throw invalidArgument(e.field, e.reason);
    if (e instanceof NotFoundError) throw notFound(e.what, e.id);
    if (e instanceof ConnectError) throw e;
    throw new ConnectError((e as Error).message, Code.Internal);
  }
}

function fromMessage(doc: Document | undefined): StoredDocument {
  const m = doc?.metadata;
  return {
    ...emptyDocument(doc?.id ?? ''),
    text: doc?.text ?? '',
    title: m?.title ?? '',
    authors: m?.authors ?? [],
    journal: m?.journal ?? '',
    publishTime: m?.publishTime ?? '',
    doi: m?.doi ?? '',
    url: m?.url ?? '',
  };
}

function metadata(doc: StoredDocument) {
  return create(DocumentMetadataSchema, {
    title: doc.title,
    authors: doc.authors,
    journal: doc.journal,
    publishTime: doc.publishTime,
    doi: doc.doi,
    url: doc.url,
  });
}

function toMessage(r: Result): SearchResult {
  return create(SearchResultSchema, {
    id: r.doc.id,
    score: r.score,
    termScore: r.termScore,
    neuralScore: r.neuralScore,
    metadata: metadata(r.doc),
    snippets: r.snippets.map((s) => ({ text: s.text, start: s.start, end: s.end, matchedTerms: s.matchedTerms, highlights: s.highlights, score: s.score })),
  });
}
