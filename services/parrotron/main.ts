// Parrotron's process: the conversion service, configured from the environment (service.ts).
import { main } from '../runtime/serve.js';
import { createParrotronService } from './service.js';

await main(createParrotronService());
