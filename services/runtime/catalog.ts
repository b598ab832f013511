// The suite's services as generated descriptors, found by convention (gen/nnsuite/<name>/v1/<name>_pb.ts),
// for the gateway, the launcher and the CLI.
import type { DescService } from '@bufbuild/protobuf';
import { MODEL_SERVICES, SERVICE_CATALOG } from './config.js';

export interface CatalogEntry {
  name: (typeof MODEL_SERVICES)[number];
  fullName: string;
  service: DescService;
}

export async function loadCatalog(): Promise<CatalogEntry[]> {
  const entries: CatalogEntry[] = [];
  for (const name of MODEL_SERVICES) {
    const module = (await import(`../../gen/nnsuite/${name}/v1/${name}_pb.js`)) as Record<string, unknown>;
    const service = Object.values(module).find((v): v is DescService => (v as DescService)?.kind === 'service' && (v as DescService).typeName === SERVICE_CATALOG[name].fullName);
    if (!service) throw new Error(`gen/nnsuite/${name}/v1/${name}_pb.ts has no ${SERVICE_CATALOG[name].fullName}`);
    entries.push({ name, fullName: service.typeName, service });
  }
  return entries;
}
