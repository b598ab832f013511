// gRPC server reflection (v1 and the v1alpha that older grpcurl speaks), served from the descriptors the
// generated code already embeds, so `grpcurl list` / `describe` work against any nnsuite process.
import { create, toBinary, type DescFile, type DescService, type DescMessage, type DescEnum } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import type { ConnectRouter } from '@connectrpc/connect';
import * as v1 from '../../gen/grpc/reflection/v1/reflection_pb.js';
import * as v1alpha from '../../gen/grpc/reflection/v1alpha/reflection_pb.js';

/** The descriptor index behind reflection: files by name and by the symbols they define. */
export class DescriptorIndex {
  readonly files = new Map<string, DescFile>();
  readonly symbols = new Map<string, DescFile>();

  constructor(readonly services: DescService[]) {
    for (const service of services) this.addFile(service.file);
  }

  private addFile(file: DescFile): void {
    if (this.files.has(file.name + '.proto')) return;
    this.files.set(file.name + '.proto', file);
    for (const dep of file.dependencies) this.addFile(dep);
    const addMessage = (m: DescMessage) => {
      this.symbols.set(m.typeName, file);
      m.nestedMessages.forEach(addMessage);
      m.nestedEnums.forEach((e: DescEnum) => this.symbols.set(e.typeName, file));
    };
    file.messages.forEach(addMessage);
    file.enums.forEach((e) => this.symbols.set(e.typeName, file));
    for (const s of file.services) {
      this.symbols.set(s.typeName, file);
      for (const m of s.methods) this.symbols.set(`${s.typeName}.${m.name}`, file);
    }
  }

  /** The file and all it imports, serialized, dependencies first. */
  closure(file: DescFile): Uint8Array[] {
    const seen = new Set<string>();
    const out: Uint8Array[] = [];
    const visit = (f: DescFile) => {
      if (seen.has(f.name)) return;
      seen.add(f.name);
      f.dependencies.forEach(visit);
      out.push(toBinary(FileDescriptorProtoSchema, f.proto));
    };
    visit(file);
    return out;
  }
}

type Api = typeof v1 | typeof v1alpha;

function reflectionHandler(api: Api, index: DescriptorIndex) {
  const answer = (req: v1.ServerReflectionRequest) => {
    const base = { validHost: req.host, originalRequest: req as never };
    const files = (file: DescFile | undefined, what: string) =>
      file
        ? { ...base, messageResponse: { case: 'fileDescriptorResponse' as const, value: create(api.FileDescriptorResponseSchema, { fileDescriptorProto: index.closure(file) }) } }
        : { ...base, messageResponse: { case: 'errorResponse' as const, value: create(api.ErrorResponseSchema, { errorCode: 5, errorMessage: `${what} not found` }) } };
    const r = req.messageRequest;
    switch (r.case) {
      case 'listServices':
        return { ...base, messageResponse: { case: 'listServicesResponse' as const, value: create(api.ListServiceResponseSchema, { service: index.services.map((s) => ({ name: s.typeName })) }) } };
      case 'fileByFilename':
        return files(index.files.get(r.value), `file "${r.value}"`);
      case 'fileContainingSymbol':
        return files(index.symbols.get(r.value.replace(/^\./, '')), `symbol "${r.value}"`);
      case 'allExtensionNumbersOfType':
        return { ...base, messageResponse: { case: 'allExtensionNumbersResponse' as const, value: create(api.ExtensionNumberResponseSchema, { baseTypeName: r.value, extensionNumber: [] }) } };
      default:
        return { ...base, messageResponse: { case: 'errorResponse' as const, value: create(api.ErrorResponseSchema, { errorCode: 12, errorMessage: 'not supported' }) } };
    }
  };
  return {
    async *serverReflectionInfo(requests: AsyncIterable<v1.ServerReflectionRequest>) {
      for await (const req of requests) yield create(api.ServerReflectionResponseSchema as typeof v1.ServerReflectionResponseSchema, answer(req) as never);
    },
  };
}

/** Register both reflection versions on a router for the given services. */
export function registerReflection(router: ConnectRouter, services: DescService[]): void {
  const index = new DescriptorIndex([...services, v1.ServerReflection, v1alpha.ServerReflection]);
  router.service(v1.ServerReflection, reflectionHandler(v1, index));
  router.service(v1alpha.ServerReflection, reflectionHandler(v1alpha, index) as never);
}
