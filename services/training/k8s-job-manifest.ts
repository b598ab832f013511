// The `batch/v1` Job that runs one attempt of one nnsuite job on a cluster, built from the template the Helm
// chart renders into a ConfigMap (its path in NNSUITE_TRAINING_K8S_JOB_TEMPLATE). Pure, so the chart's test
// can check a rendered Job against the chart's values.
import { readFileSync } from 'node:fs';
import type { V1Job, V1ResourceRequirements, V1Toleration } from '@kubernetes/client-node';

export interface JobTemplate {
  /** Image holding this repository (WORKDIR at its root) with Node and tsx. */
  image: string;
  namespace: string;
  serviceAccountName?: string;
  nodeSelector?: Record<string, string>;
  tolerations?: V1Toleration[];
  /** Worker container resources; a job's gpu_count overrides `limits["nvidia.com/gpu"]`. */
  resources?: V1ResourceRequirements;
  /** Pod retries inside one attempt (Kubernetes' own); default 0 — the orchestrator retries attempts. */
  backoffLimit?: number;
  /** Delete finished Jobs after this long (default one day). */
  ttlSecondsAfterFinished?: number;
  /** host:port where workers reach the orchestrator (its Service). */
  orchestratorAddress: string;
}

/** What the manifest needs of a job. */
export interface JobToRun {
  id: string;
  type: string;
  attempt: number;
  gpuCount: number;
}

export const MANAGED_BY = 'nnsuite-training';
export const JOB_ID_LABEL = 'nnsuite.dev/job-id';
export const ATTEMPT_LABEL = 'nnsuite.dev/attempt';
export const MANAGED_SELECTOR = `app.kubernetes.io/managed-by=${MANAGED_BY}`;
const GPU = 'nvidia.com/gpu';

/** `nnsuite-<job id>-<attempt>`: one Kubernetes Job per attempt, a DNS-1123 name of at most 63 characters. */
export function kubernetesJobName(job: Pick<JobToRun, 'id' | 'attempt'>): string {
  return `nnsuite-${job.id}-${job.attempt}`.toLowerCase().slice(0, 63);
}

export function buildJobManifest(template: JobTemplate, job: JobToRun): V1Job {
  const labels = {
    'app.kubernetes.io/name': 'nnsuite-training-worker',
    'app.kubernetes.io/instance': kubernetesJobName(job),
    'app.kubernetes.io/component': 'training-worker',
    'app.kubernetes.io/part-of': 'nnsuite',
    'app.kubernetes.io/managed-by': MANAGED_BY,
    [JOB_ID_LABEL]: job.id,
    [ATTEMPT_LABEL]: String(job.attempt),
    'nnsuite.dev/job-type': job.type,
  };
  const limits = { ...template.resources?.limits };
  if (job.gpuCount > 0) limits[GPU] = String(job.gpuCount);
  const resources: V1ResourceRequirements = { ...template.resources, ...(Object.keys(limits).length ? { limits } : {}) };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: kubernetesJobName(job), namespace: template.namespace, labels },
    spec: {
      backoffLimit: template.backoffLimit ?? 0,
      ttlSecondsAfterFinished: template.ttlSecondsAfterFinished ?? 86_400,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          ...(template.serviceAccountName ? { serviceAccountName: template.serviceAccountName } : {}),
          ...(template.nodeSelector ? { nodeSelector: template.nodeSelector } : {}),
          ...(template.tolerations ? { tolerations: template.tolerations } : {}),
          containers: [
            {
              name: 'worker',
              image: template.image,
              command: ['node', '--import', 'tsx', 'services/training/worker.ts'],
              args: ['--job', job.id, '--attempt', String(job.attempt), '--orchestrator', template.orchestratorAddress],
              ...(Object.keys(resources).length ? { resources } : {}),
            },
          ],
        },
      },
    },
  };
}

/** Check a parsed template, naming the first bad key. */
export function parseJobTemplate(raw: unknown): JobTemplate {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('job template: must be a JSON object');
  const t = raw as Record<string, unknown>;
  const fail = (key: string, reason: string): never => {
    throw new Error(`job template: ${key} ${reason}`);
  };
  for (const key of ['image', 'namespace', 'orchestratorAddress']) if (typeof t[key] !== 'string' || !t[key]) fail(key, 'must be a non-empty string');
  if (t.serviceAccountName !== undefined && typeof t.serviceAccountName !== 'string') fail('serviceAccountName', 'must be a string');
  if (t.nodeSelector !== undefined && !isStringMap(t.nodeSelector)) fail('nodeSelector', 'must map strings to strings');
  if (t.tolerations !== undefined && !Array.isArray(t.tolerations)) fail('tolerations', 'must be an array');
  if (t.resources !== undefined && (t.resources === null || typeof t.resources !== 'object')) fail('resources', 'must be an object');
  for (const key of ['backoffLimit', 'ttlSecondsAfterFinished']) {
    if (t[key] !== undefined && !(Number.isInteger(t[key]) && (t[key] as number) >= 0)) fail(key, 'must be a non-negative integer');
  }
  return t as unknown as JobTemplate;
}

export function loadJobTemplate(file: string): JobTemplate {
  return parseJobTemplate(JSON.parse(readFileSync(file, 'utf8')));
}

function isStringMap(value: unknown): value is Record<string, string> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
}
