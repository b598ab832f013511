// Entry point of the training service (the launcher starts `tsx services/training/main.ts`).
import { createLogger } from '../runtime/log.js';
import { startTrainingServer } from './training-server.js';

try {
  await startTrainingServer({ handleSignals: true });
} catch (error) {
  createLogger('training').error('failed to start', { error });
  process.exit(1);
}
