// Entry point of the speech process: `tsx services/speech/main.ts` (NNSUITE_SPEECH_PORT, NNSUITE_SPEECH_MODEL_DIR,
// NNSUITE_SPEECH_PRECISION, NNSUITE_SPEECH_IDLE_TIMEOUT_MS, NNSUITE_SPEECH_MAX_STREAMS, NNSUITE_SPEECH_ENDPOINT_MS,
// NNSUITE_SPEECH_BEAM_WIDTH).
import { serve } from '../runtime/serve.js';
import { createSpeechService } from './service.js';

await serve(createSpeechService(), { handleSignals: true });
