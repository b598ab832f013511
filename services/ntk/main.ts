// Entry point of the ntk process: `tsx services/ntk/main.ts` (NNSUITE_NTK_PORT, NNSUITE_NTK_MEMORY_LIMIT_MB, …).
import { serve } from '../runtime/serve.js';
import { createNtkService } from './service.js';

await serve(createNtkService(), { handleSignals: true });
