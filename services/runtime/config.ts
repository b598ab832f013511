// Configuration from environment variables with documented defaults (README "Configuration").
// Every process reads the same names: NNSUITE_<SERVICE>_<SETTING>, then NNSUITE_<SETTING>, then the default.
import path from 'node:path';

/** The processes of the suite, their default ports and fully-qualified service names. */
export const SERVICE_CATALOG = {
  gateway: { port: 8080, httpPort: 9100, fullName: '' },
  retrieval: { port: 50051, httpPort: 9101, fullName: 'nnsuite.retrieval.v1.RetrievalService' },
  speech: { port: 50052, httpPort: 9102, fullName: 'nnsuite.speech.v1.SpeechService' },
  parrotron: { port: 50053, httpPort: 9103, fullName: 'nnsuite.parrotron.v1.ParrotronService' },
  training: { port: 50054, httpPort: 9104, fullName: 'nnsuite.training.v1.TrainingService' },
  ntk: { port: 50055, httpPort: 9105, fullName: 'nnsuite.ntk.v1.NtkService' },
  morphnet: { port: 50056, httpPort: 9106, fullName: 'nnsuite.morphnet.v1.MorphnetService' },
} as const;

export type ProcessName = keyof typeof SERVICE_CATALOG;
export const MODEL_SERVICES = Object.keys(SERVICE_CATALOG).filter((n) => n !== 'gateway') as Exclude<ProcessName, 'gateway'>[];

export interface RuntimeConfig {
  name: string;
  host: string;
  /** h2c port serving gRPC, gRPC-Web and Connect. */
  port: number;
  /** HTTP/1.1 port serving /metrics, /healthz, /readyz. */
  httpPort: number;
  /** Largest message accepted or sent, in bytes (both directions). */
  maxMessageBytes: number;
  /** How long SIGTERM waits for in-flight calls before closing them. */
  shutdownGraceMs: number;
  /** This process's data directory: NNSUITE_<NAME>_DATA_DIR, else $NNSUITE_DATA_DIR/<name> (default ./data/<name>). */
  dataDir: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

/** Read NNSUITE_<NAME>_<KEY>, then NNSUITE_<KEY>. */
export function env(name: string, key: string, environment: NodeJS.ProcessEnv = process.env): string | undefined {
  const scoped = environment[`NNSUITE_${name.toUpperCase()}_${key}`];
  return scoped !== undefined && scoped !== '' ? scoped : environment[`NNSUITE_${key}`] || undefined;
}

export function intEnv(name: string, key: string, fallback: number, environment: NodeJS.ProcessEnv = process.env): number {
  const raw = env(name, key, environment);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`NNSUITE_${name.toUpperCase()}_${key}: expected a non-negative integer, got "${raw}"`);
  return value;
}

export function loadConfig(name: string, environment: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  const defaults = (SERVICE_CATALOG as Record<string, { port: number; httpPort: number }>)[name] ?? { port: 0, httpPort: 0 };
  const level = env(name, 'LOG_LEVEL', environment) ?? 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(level)) throw new Error(`NNSUITE_LOG_LEVEL: unknown level "${level}"`);
  return {
    name,
    host: env(name, 'HOST', environment) ?? '0.0.0.0',
    port: intEnv(name, 'PORT', defaults.port, environment),
    httpPort: intEnv(name, 'HTTP_PORT', defaults.httpPort, environment),
    maxMessageBytes: intEnv(name, 'MAX_MESSAGE_BYTES', 64 * 1024 * 1024, environment),
    shutdownGraceMs: intEnv(name, 'SHUTDOWN_GRACE_MS', 10_000, environment),
    dataDir: path.resolve(environment[`NNSUITE_${name.toUpperCase()}_DATA_DIR`] || path.join(environment.NNSUITE_DATA_DIR || 'data', name)),
    logLevel: level as RuntimeConfig['logLevel'],
  };
}

/** Where another process of the suite listens: NNSUITE_<NAME>_ADDRESS, default 127.0.0.1:<its default port>. */
export function serviceAddress(name: Exclude<ProcessName, 'gateway'> | 'gateway', environment: NodeJS.ProcessEnv = process.env): string {
  return environment[`NNSUITE_${name.toUpperCase()}_ADDRESS`] || `127.0.0.1:${SERVICE_CATALOG[name].port}`;
}
