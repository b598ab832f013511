// Entry point of the morphnet process: `tsx services/morphnet/main.ts` (NNSUITE_MORPHNET_PORT,
// NNSUITE_TRAINING_ADDRESS to run Morph jobs on the training service, …).
import { serve } from '../runtime/serve.js';
import { createMorphnetService } from './service.js';

await serve(createMorphnetService(), { handleSignals: true });
