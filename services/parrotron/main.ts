// Parrotron's contract is served and healthy; its model RPCs answer UNIMPLEMENTED until issue 6 lands.
import { ParrotronService } from '../../gen/nnsuite/parrotron/v1/parrotron_pb.js';
import { main } from '../runtime/serve.js';

await main({ name: 'parrotron', services: [ParrotronService], routes: (router) => router.service(ParrotronService, {}) });
