// Where job types come from: each service exports `jobTypes` from `services/<service>/jobs.ts`, and a type is
// named `<service>.<what>`, so the orchestrator collects them all by scanning and a worker loads only the one
// module its job needs.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { JobType } from '../ml/job-type.js';

/** `services/`, the folder that holds one folder per service. */
export const SERVICES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** What a `services/<service>/jobs.ts` module exports. */
export interface JobTypesModule {
  // `any`: each type has its own spec and result types.
  jobTypes: readonly JobType<any, any>[];
}

export class UnknownJobTypeError extends Error {
  constructor(readonly typeName: string) {
    super(`unknown job type "${typeName}"`);
    this.name = 'UnknownJobTypeError';
  }
}

export class JobRegistry {
  private readonly types = new Map<string, JobType>();

  register(...types: JobType[]): this {
    for (const type of types) {
      if (this.types.has(type.name)) throw new Error(`job type "${type.name}" is registered twice`);
      this.types.set(type.name, type);
    }
    return this;
  }

  /** The type named `name`; throws UnknownJobTypeError. */
  get(name: string): JobType {
    const type = this.types.get(name);
    if (!type) throw new UnknownJobTypeError(name);
    return type;
  }

  list(): JobType[] {
    return [...this.types.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}

/**
 * Import every `services/<service>/jobs.ts` and register its types. A module that fails to import is reported
 * through `onError` and skipped, so one broken service does not stop the others' training.
 */
export async function loadJobRegistry(onError: (module: string, error: unknown) => void, servicesDir = SERVICES_DIR): Promise<JobRegistry> {
  const registry = new JobRegistry();
  const modules = readdirSync(servicesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(servicesDir, entry.name, 'jobs.ts')))
    .map((entry) => path.join(servicesDir, entry.name, 'jobs.ts'))
    .sort();
  for (const file of modules) {
    try {
      registry.register(...(await importJobTypes(file)));
    } catch (error) {
      onError(path.relative(servicesDir, file), error);
    }
  }
  return registry;
}

/** The type `<service>.<what>` from `services/<service>/jobs.ts` alone (what a worker needs). */
export async function loadJobType(name: string, servicesDir = SERVICES_DIR): Promise<JobType> {
  const service = name.split('.')[0];
  const file = path.join(servicesDir, service, 'jobs.ts');
  if (!/^[a-z][a-z0-9-]*$/.test(service) || !existsSync(file)) throw new UnknownJobTypeError(name);
  return new JobRegistry().register(...(await importJobTypes(file))).get(name);
}

async function importJobTypes(file: string): Promise<JobType[]> {
  const module = (await import(pathToFileURL(file).href)) as Partial<JobTypesModule>;
  if (!Array.isArray(module.jobTypes)) throw new Error(`${file} does not export a jobTypes array`);
  return [...module.jobTypes];
}
