// Runs each attempt as a `batch/v1` Job (k8s-job-manifest.ts) and follows the Jobs it manages with one watch
// on their label: Complete/Failed conditions or a deletion end the attempt. Cancel deletes the Job (pods
// too). After a restart the Jobs still on the cluster are found by label and followed again.
import { BatchV1Api, KubeConfig, Watch, type V1Job } from '@kubernetes/client-node';
import type { Executor, ExecutorHooks, WorkerLaunch } from './executor.js';
import type { JobRecord } from './job-state.js';
import { ATTEMPT_LABEL, buildJobManifest, JOB_ID_LABEL, kubernetesJobName, MANAGED_SELECTOR, type JobTemplate } from './k8s-job-manifest.js';

export interface KubernetesExecutorOptions {
  /** Jobs on the cluster at once (the cluster's scheduler queues pods beyond its capacity). */
  capacity?: number;
  /** Wait before re-opening a watch the API server closed or lost. */
  rewatchDelayMs?: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

interface Attempt {
  jobId: string;
  attempt: number;
}

/** In-cluster (ServiceAccount) or from KUBECONFIG / ~/.kube/config. */
export function defaultKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  return kc;
}

export class KubernetesExecutor implements Executor {
  readonly name = 'kubernetes';
  readonly capacity: number;
  private hooks?: ExecutorHooks;
  private readonly batch: BatchV1Api;
  private readonly watcher: Watch;
  /** Kubernetes Job name → the attempt it runs. */
  private readonly followed = new Map<string, Attempt>();
  private watch?: Promise<AbortController>;
  private closed = false;
  private readonly options: Required<KubernetesExecutorOptions>;

  constructor(
    kubeConfig: KubeConfig,
    private readonly template: JobTemplate,
    options: KubernetesExecutorOptions = {},
  ) {
    this.batch = kubeConfig.makeApiClient(BatchV1Api);
    this.watcher = new Watch(kubeConfig);
    this.options = { capacity: 64, rewatchDelayMs: 1000, log: () => undefined, ...options };
    this.capacity = this.options.capacity;
  }

  attach(hooks: ExecutorHooks): void {
    this.hooks = hooks;
  }

  async start({ job, attempt }: WorkerLaunch): Promise<void> {
    this.ensureWatch();
    const manifest = buildJobManifest(this.template, { id: job.id, type: job.type, attempt, gpuCount: job.gpuCount });
    this.followed.set(manifest.metadata!.name!, { jobId: job.id, attempt });
    try {
      await this.batch.createNamespacedJob({ namespace: this.template.namespace, body: manifest });
    } catch (error) {
      this.followed.delete(manifest.metadata!.name!);
      throw error;
    }
  }

  async stop(jobId: string): Promise<void> {
    for (const [name, attempt] of this.followed) {
      if (attempt.jobId !== jobId) continue;
      // Background propagation deletes the pods too; the watch then reports DELETED and ends the attempt.
      await this.batch.deleteNamespacedJob({ name, namespace: this.template.namespace, propagationPolicy: 'Background' });
    }
  }

  async recover(jobs: JobRecord[]): Promise<string[]> {
    const wanted = new Map(jobs.map((job) => [kubernetesJobName({ id: job.id, attempt: job.attempts }), job]));
    const list = await this.batch.listNamespacedJob({ namespace: this.template.namespace, labelSelector: MANAGED_SELECTOR });
    const found: V1Job[] = [];
    for (const item of list.items) {
      const labels = item.metadata?.labels ?? {};
      const job = wanted.get(item.metadata?.name ?? '');
      if (!job || labels[JOB_ID_LABEL] !== job.id || labels[ATTEMPT_LABEL] !== String(job.attempts)) continue;
      this.followed.set(item.metadata!.name!, { jobId: job.id, attempt: job.attempts });
      found.push(item);
    }
    this.ensureWatch();
    // Jobs that ended while the orchestrator was down end their attempt now (after the caller marked them active).
    setImmediate(() => found.forEach((item) => this.observe('MODIFIED', item)));
    return found.map((item) => item.metadata!.labels![JOB_ID_LABEL]);
  }

  async close(): Promise<void> {
    this.closed = true;
    (await this.watch?.catch(() => undefined))?.abort();
  }

  private ensureWatch(): void {
    if (this.watch || this.closed) return;
    const path = `/apis/batch/v1/namespaces/${this.template.namespace}/jobs`;
    this.watch = this.watcher.watch(
      path,
      { labelSelector: MANAGED_SELECTOR },
      (phase, item: V1Job) => this.observe(phase, item),
      (error) => this.rewatch(error),
    );
    this.watch.catch((error) => this.rewatch(error));
  }

  /** The API server ends watches now and then: open a new one and re-read the Jobs to catch what was missed. */
  private rewatch(error: unknown): void {
    if (this.closed) return;
    if (error) this.options.log('kubernetes watch ended', { error: error instanceof Error ? error.message : String(error) });
    this.watch = undefined;
    setTimeout(() => {
      if (this.closed || this.followed.size === 0) return;
      this.ensureWatch();
      this.batch
        .listNamespacedJob({ namespace: this.template.namespace, labelSelector: MANAGED_SELECTOR })
        .then((list) => {
          const present = new Set(list.items.map((item) => item.metadata?.name));
          for (const item of list.items) this.observe('MODIFIED', item);
          for (const name of [...this.followed.keys()]) if (!present.has(name)) this.end(name, 'the Kubernetes Job disappeared');
        })
        .catch((listError) => this.options.log('listing kubernetes jobs failed', { error: String(listError) }));
    }, this.options.rewatchDelayMs).unref();
  }

  private observe(phase: string, item: V1Job): void {
    const name = item.metadata?.name;
    if (!name || !this.followed.has(name)) return;
    if (phase === 'DELETED') return this.end(name, 'the Kubernetes Job was deleted');
    const conditions = item.status?.conditions ?? [];
    const failed = conditions.find((c) => c.type === 'Failed' && c.status === 'True');
    if (failed) return this.end(name, `the Kubernetes Job failed: ${failed.reason ?? ''} ${failed.message ?? ''}`.trim());
    if (conditions.some((c) => c.type === 'Complete' && c.status === 'True')) this.end(name, undefined);
  }

  private end(name: string, failure: string | undefined): void {
    const attempt = this.followed.get(name);
    if (!attempt) return;
    this.followed.delete(name);
    this.hooks?.exited(attempt.jobId, attempt.attempt, failure);
  }
}
