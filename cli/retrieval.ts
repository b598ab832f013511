// Retrieval verbs: `nnsuite ingest --cord19 FILE | --beir DIR`, `nnsuite search "…" [--k K] [--top-k N]`,
// `nnsuite followup SESSION "…"`, `nnsuite document ID`, `nnsuite delete ID…`.
import { readFileSync } from 'node:fs';
import { create } from '@bufbuild/protobuf';
import { IngestDocumentsRequestSchema, RetrievalService, type SearchResult } from '../gen/nnsuite/retrieval/v1/retrieval_pb.js';
import { parseCord19Metadata, readBeirCorpus, type ReadResult } from '../services/retrieval/corpus-readers.js';
import { parseArgs, type CliContext, type Command } from './command.js';

function printResults(results: SearchResult[], ctx: CliContext): void {
  results.forEach((r, i) => {
    const m = r.metadata;
    ctx.print(`${String(i + 1).padStart(3)}. ${r.id}  ${r.score.toFixed(4)} (bm25 ${r.termScore.toFixed(3)}, neural ${r.neuralScore.toFixed(3)})  ${m?.title ?? ''}`);
    const meta = [m?.authors.slice(0, 3).join('; '), m?.journal, m?.publishTime, m?.url].filter(Boolean).join(' · ');
    if (meta) ctx.print(`     ${meta}`);
    for (const s of r.snippets) ctx.print(`     » ${s.text}  [${s.start}–${s.end}; ${s.matchedTerms.join(', ')}]`);
  });
}

const number = (value: string | undefined, flag: string): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`--${flag} must be a number`);
  return n;
};

export const commands: Record<string, Command> = {
  ingest: {
    usage: 'ingest --cord19 FILE | --beir DIR   stream a CORD-19 metadata.csv or BEIR corpus.jsonl into the retrieval index',
    async run(args, ctx) {
      const { flags } = parseArgs(args);
      let read: ReadResult;
      if (flags.cord19) read = parseCord19Metadata(readFileSync(flags.cord19, 'utf8'));
      else if (flags.beir) read = readBeirCorpus(flags.beir);
      else throw new Error('give --cord19 FILE or --beir DIR');
      for (const e of read.errors) ctx.print(`row ${e.row}${e.id ? ` (${e.id})` : ''}: ${e.reason}`);
      async function* stream() {
        for (const d of read.documents) {
          yield create(IngestDocumentsRequestSchema, {
            document: { id: d.id, text: d.text, metadata: { title: d.title, authors: d.authors, journal: d.journal, publishTime: d.publishTime, doi: d.doi, url: d.url } },
          });
        }
      }
      const res = await ctx.client(RetrievalService).ingestDocuments(stream());
      for (const e of res.errors) ctx.print(`document ${e.row}${e.id ? ` (${e.id})` : ''}: ${e.reason}`);
      return `ingested ${res.ingestedCount} (${res.replacedCount} replaced), rejected ${read.errors.length + res.errors.length}, index holds ${res.documentCount}`;
    },
  },
  search: {
    usage: 'search "QUESTION" [--k K] [--top-k N]   hybrid search (k: term weight); prints a session id for followup',
    async run(args, ctx) {
      const { positional, flags } = parseArgs(args);
      const res = await ctx.client(RetrievalService).search({
        query: positional.join(' '),
        topK: number(flags['top-k'], 'top-k') ?? 10,
        termWeight: number(flags.k, 'k'),
      });
      printResults(res.results, ctx);
      return `session ${res.sessionId}: ${res.results.length} results (k ${res.termWeight})`;
    },
  },
  followup: {
    usage: 'followup SESSION "QUESTION" [--context W] [--top-k N]   re-rank a search session\'s results for a new question',
    async run(args, ctx) {
      const { positional, flags } = parseArgs(args);
      const [sessionId, ...question] = positional;
      if (!sessionId) throw new Error('give SESSION and QUESTION');
      const res = await ctx.client(RetrievalService).followUp({
        sessionId,
        question: question.join(' '),
        topK: number(flags['top-k'], 'top-k') ?? 10,
        contextWeight: number(flags.context, 'context') ?? 0,
      });
      printResults(res.results, ctx);
      return `session ${res.sessionId}: ${res.results.length} results`;
    },
  },
  document: {
    usage: 'document ID   a stored document with its sentences and offsets',
    async run(args, ctx) {
      if (!args[0]) throw new Error('give a document ID');
      const res = await ctx.client(RetrievalService).getDocument({ id: args[0] });
      for (const p of res.passages) ctx.print(`[${p.start}–${p.end}] ${p.text}`);
      return `${res.document?.id}: ${res.document?.metadata?.title ?? ''} (${res.passages.length} sentences)`;
    },
  },
  delete: {
    usage: 'delete ID…   remove documents from the retrieval index',
    async run(args, ctx) {
      const res = await ctx.client(RetrievalService).deleteDocuments({ ids: args });
      return `deleted ${res.deletedCount}, missing ${res.missingIds.length}, index holds ${res.documentCount}`;
    },
  },
};
