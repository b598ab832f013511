// The gateway fronting only the echo fixture at BACKEND (host:port): the benchmark's system under test.
import { serve } from '../../../services/runtime/serve.js';
import { createGateway } from '../../../gateway/gateway.js';
import { EchoService } from '../../../test/fixture/gen/nnsuite/fixture/v1/echo_pb.js';

await serve(createGateway({ routes: [{ service: EchoService, address: process.env.BACKEND! }] }), { port: 0, httpPort: 0, host: '127.0.0.1', handleSignals: true });
