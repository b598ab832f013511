// `nnsuite health [SERVICE]` and `nnsuite list`: what the gateway fronts and whether it is serving.
import { create } from '@bufbuild/protobuf';
import { Health, HealthCheckResponse_ServingStatus as Status } from '../gen/grpc/health/v1/health_pb.js';
import { ServerReflection, ServerReflectionRequestSchema } from '../gen/grpc/reflection/v1/reflection_pb.js';
import type { Command } from './command.js';

export const commands: Record<string, Command> = {
  health: {
    usage: 'health [SERVICE]   serving status of the gateway and every service (or one fully-qualified service)',
    async run(args, ctx) {
      const health = ctx.client(Health);
      if (args[0]) return `${args[0]} ${Status[(await health.check({ service: args[0] }, { timeoutMs: 5_000 })).status]}`;
      const { statuses } = await health.list({}, { timeoutMs: 5_000 });
      const names = Object.keys(statuses).sort();
      for (const name of names) ctx.print(`${(name || 'gateway').padEnd(42)} ${Status[statuses[name].status]}`);
      const serving = names.filter((n) => statuses[n].status === Status.SERVING).length;
      return `${serving}/${names.length} serving`;
    },
  },
  list: {
    usage: 'list               services and methods the gateway fronts (from server reflection)',
    async run(_args, ctx) {
      const reflection = ctx.client(ServerReflection);
      async function* ask() {
        yield create(ServerReflectionRequestSchema, { messageRequest: { case: 'listServices', value: '' } });
      }
      const names: string[] = [];
      for await (const res of reflection.serverReflectionInfo(ask(), { timeoutMs: 5_000 })) {
        if (res.messageResponse.case === 'listServicesResponse') names.push(...res.messageResponse.value.service.map((s) => s.name));
      }
      for (const name of names.sort()) ctx.print(name);
      return `${names.length} services`;
    },
  },
};
