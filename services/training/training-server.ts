// Wires the training service: SQLite store and artifacts under the data directory, the job registry, the
// executor chosen by NNSUITE_TRAINING_EXECUTOR, the study controller, and the gRPC server from serve().
//
// Configuration (env): NNSUITE_TRAINING_EXECUTOR=local|kubernetes (default local);
// NNSUITE_TRAINING_MAX_WORKERS (local: cores; kubernetes: 64); NNSUITE_TRAINING_MAX_ATTEMPTS (default 3);
// NNSUITE_TRAINING_K8S_JOB_TEMPLATE (path of the Job template JSON, kubernetes only); data in
// $NNSUITE_DATA_DIR/training/{jobs.db,artifacts/<job-id>/}.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { TrainingService } from '../../gen/nnsuite/training/v1/training_pb.js';
import { env, intEnv, loadConfig } from '../runtime/config.js';
import { createLogger } from '../runtime/log.js';
import { serve, type RunningService, type ServeOptions } from '../runtime/serve.js';
import type { Executor } from './executor.js';
import { loadJobRegistry, type JobRegistry } from './job-registry.js';
import { JobStore } from './job-store.js';
import { defaultKubeConfig, KubernetesExecutor } from './k8s-executor.js';
import { loadJobTemplate } from './k8s-job-manifest.js';
import { LocalExecutor } from './local-executor.js';
import { Orchestrator } from './orchestrator.js';
import { StudyController } from './study-controller.js';
import { StudyStore } from './study-store.js';
import { trainingHandlers } from './training-service.js';

export interface TrainingServer {
  running: RunningService;
  orchestrator: Orchestrator;
  studies: StudyController;
  close(): Promise<void>;
}

export interface TrainingServerOptions extends ServeOptions {
  /** Instead of the one NNSUITE_TRAINING_EXECUTOR chooses (tests). */
  executor?: Executor;
  /** Instead of scanning services/*\/jobs.ts (tests). */
  registry?: JobRegistry;
}

export function executorFromEnv(environment: NodeJS.ProcessEnv, log: (msg: string, fields?: Record<string, unknown>) => void): Executor {
  const kind = env('training', 'EXECUTOR', environment) ?? 'local';
  const capacity = intEnv('training', 'MAX_WORKERS', 0, environment) || undefined;
  if (kind === 'local') return new LocalExecutor({ capacity });
  if (kind !== 'kubernetes') throw new Error(`NNSUITE_TRAINING_EXECUTOR: "${kind}" is not local or kubernetes`);
  const templateFile = environment.NNSUITE_TRAINING_K8S_JOB_TEMPLATE;
  if (!templateFile) throw new Error('NNSUITE_TRAINING_K8S_JOB_TEMPLATE must name the Job template JSON when NNSUITE_TRAINING_EXECUTOR=kubernetes');
  return new KubernetesExecutor(defaultKubeConfig(), loadJobTemplate(templateFile), { capacity, log });
}

export async function startTrainingServer(options: TrainingServerOptions = {}): Promise<TrainingServer> {
  const environment = options.env ?? process.env;
  const config = { ...loadConfig('training', environment), ...(options.dataDir ? { dataDir: options.dataDir } : {}) };
  const log = createLogger('training', config.logLevel);
  const info = (msg: string, fields?: Record<string, unknown>) => log.info(msg, fields);
  mkdirSync(path.join(config.dataDir, 'artifacts'), { recursive: true });
  const store = new JobStore(path.join(config.dataDir, 'jobs.db'));
  const registry = options.registry ?? (await loadJobRegistry((module, error) => log.error('job types not loaded', { module, error })));
  const orchestrator = new Orchestrator({
    store,
    registry,
    executor: options.executor ?? executorFromEnv(environment, info),
    artifactRoot: path.join(config.dataDir, 'artifacts'),
    defaultMaxAttempts: intEnv('training', 'MAX_ATTEMPTS', 3, environment) || 3,
    log: info,
  });
  const studies = new StudyController(orchestrator, new StudyStore(store.db), info);
  let listening: (port: number) => void = () => undefined;
  const port = new Promise<number>((resolve) => (listening = resolve));
  const running = await serve(
    {
      name: 'training',
      services: [TrainingService],
      routes: (router) => router.service(TrainingService, trainingHandlers(orchestrator, studies)),
      // Local workers report to this very server, so scheduling starts once its port is known.
      ready: async () => {
        await orchestrator.start(`127.0.0.1:${await port}`);
        studies.start();
      },
      close: async () => {
        studies.close();
        await orchestrator.close();
        store.close();
      },
    },
    options,
  );
  listening(running.port);
  if (options.handleSignals) for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => orchestrator.quiesce());
  await running.ready;
  return {
    running,
    orchestrator,
    studies,
    close: () => {
      orchestrator.quiesce();
      return running.close();
    },
  };
}
