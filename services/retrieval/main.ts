// Entry point of the retrieval process: `tsx services/retrieval/main.ts`.
import { serve } from '../runtime/serve.js';
import { openDefaultEngine } from './default-engine.js';
import { createRetrievalService } from './service.js';

await serve(createRetrievalService({ openEngine: openDefaultEngine }), { handleSignals: true });
