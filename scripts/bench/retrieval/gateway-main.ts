// The gateway fronting only the retrieval service at BACKEND (host:port): the benchmark's path through it.
import { serve } from '../../../services/runtime/serve.js';
import { createGateway } from '../../../gateway/gateway.js';
import { RetrievalService } from '../../../gen/nnsuite/retrieval/v1/retrieval_pb.js';

await serve(createGateway({ routes: [{ service: RetrievalService, address: process.env.BACKEND! }] }), { port: 0, httpPort: 0, host: '127.0.0.1', handleSignals: true });
