// A plain @grpc/grpc-js client for any generated service — the reference gRPC client of the test suite
// (not Connect), so every service is proven to work for gRPC users of any language.
import { create, fromBinary, toBinary, type DescMessage, type DescMethod, type DescService, type MessageInitShape, type MessageShape } from '@bufbuild/protobuf';
import * as grpc from '@grpc/grpc-js';
import net from 'node:net';

const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

function serializer<D extends DescMessage>(schema: D) {
  // grpc-js needs a Buffer; a plain Uint8Array fails with "13 Failed to write message" (NOTES-stack).
  return (message: MessageInitShape<D>) => Buffer.from(toBinary(schema, create(schema, message)));
}

function definition(service: DescService): grpc.ServiceDefinition {
  const methods: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const method of service.methods) {
    methods[method.localName] = {
      path: `/${service.typeName}/${method.name}`,
      requestStream: method.methodKind === 'client_streaming' || method.methodKind === 'bidi_streaming',
      responseStream: method.methodKind === 'server_streaming' || method.methodKind === 'bidi_streaming',
      requestSerialize: serializer(method.input) as (v: unknown) => Buffer,
      requestDeserialize: (b: Buffer) => fromBinary(method.input, b),
      responseSerialize: serializer(method.output) as (v: unknown) => Buffer,
      responseDeserialize: (b: Buffer) => fromBinary(method.output, b),
    };
  }
  return methods;
}

type In<M extends DescMethod> = MessageInitShape<M['input']>;
type Out<M extends DescMethod> = MessageShape<M['output']>;

export interface GrpcTestClient {
  raw: grpc.Client;
  unary<M extends DescMethod>(method: M, request: In<M>, options?: CallOptions): Promise<Out<M>>;
  serverStream<M extends DescMethod>(method: M, request: In<M>, options?: CallOptions): grpc.ClientReadableStream<Out<M>>;
  clientStream<M extends DescMethod>(method: M, options: CallOptions | undefined, callback: (error: grpc.ServiceError | null, response?: Out<M>) => void): grpc.ClientWritableStream<In<M>>;
  bidi<M extends DescMethod>(method: M, options?: CallOptions): grpc.ClientDuplexStream<In<M>, Out<M>>;
  close(): void;
}

export interface CallOptions {
  metadata?: Record<string, string>;
  deadlineMs?: number;
}

/** A grpc-js client for `service` at `address` (host:port), insecure (h2c). */
export function grpcClient(service: DescService, address: string): GrpcTestClient {
  const Ctor = grpc.makeGenericClientConstructor(definition(service), service.name);
  const raw = new Ctor(address, grpc.credentials.createInsecure(), {
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  }) as unknown as grpc.Client & Record<string, Function>;
  const args = (options?: CallOptions) => {
    const metadata = new grpc.Metadata();
    for (const [k, v] of Object.entries(options?.metadata ?? {})) metadata.set(k, v);
    const callOptions: grpc.CallOptions = options?.deadlineMs !== undefined ? { deadline: Date.now() + options.deadlineMs } : {};
    return [metadata, callOptions] as const;
  };
  return {
    raw,
    unary: (method, request, options) =>
      new Promise((resolve, reject) => raw[method.localName](request, ...args(options), (error: grpc.ServiceError | null, response: never) => (error ? reject(error) : resolve(response)))),
    serverStream: (method, request, options) => raw[method.localName](request, ...args(options)),
    clientStream: (method, options, callback) => raw[method.localName](...args(options), callback),
    bidi: (method, options) => raw[method.localName](...args(options)),
    close: () => raw.close(),
  };
}

/** Collect a server stream's messages; rejects with the stream's error status. */
export function collect<T>(stream: grpc.ClientReadableStream<T> | grpc.ClientDuplexStream<unknown, T>): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const out: T[] = [];
    stream.on('data', (m: T) => out.push(m));
    stream.on('error', reject);
    stream.on('end', () => resolve(out));
  });
}

/** A TCP port free right now on 127.0.0.1 (for a server whose address others must know before it starts). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The error a call that must fail rejects with, its grpc-message percent-decoded (Connect encodes it; grpc-js hands it over as sent). */
export async function grpcError(call: Promise<unknown>): Promise<grpc.ServiceError> {
  try {
    await call;
  } catch (error) {
    const e = error as grpc.ServiceError;
    return Object.assign(e, { details: decodeURIComponent(e.details) });
  }
  throw new Error('expected the call to fail');
}
