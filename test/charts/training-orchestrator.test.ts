// The chart's side of the training orchestrator's Kubernetes executor: the Role grants exactly the API
// calls services/training makes, and the Job template ConfigMap, fed to the orchestrator's own
// buildJobManifest, yields a valid Job with the chart's settings that the NetworkPolicy lets reach it.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { byKind, component, helmOrSkip, NAMESPACE, REPO_ROOT, renderChart, renderProfiles, type K8sObject, type ProfileName } from './helm.js';
import { validateObject } from './k8s-schema.js';

const TRAINING_DIR = path.join(REPO_ROOT, 'services/training');
const MANIFEST_MODULE = path.join(TRAINING_DIR, 'k8s-job-manifest.ts');
const GPU = 'nvidia.com/gpu';

/** "group|resource|verb" for each Kubernetes API call in the orchestrator's (non-test) sources. */
function apiPermissionsUsed(sources: string[]): Set<string> {
  const verbs: Record<string, string> = { create: 'create', read: 'get', list: 'list', delete: 'delete', deleteCollection: 'deletecollection', patch: 'patch', replace: 'update' };
  const kinds: Record<string, [string, string]> = { Job: ['batch', 'jobs'], JobStatus: ['batch', 'jobs/status'], Pod: ['', 'pods'], PodLog: ['', 'pods/log'], PodStatus: ['', 'pods/status'], Event: ['', 'events'] };
  const used = new Set<string>();
  for (const text of sources) {
    // Typed clients: BatchV1Api.createNamespacedJob, CoreV1Api.readNamespacedPodLog, ...
    for (const [, verb, kind] of text.matchAll(/\.(create|read|list|deleteCollection|delete|patch|replace)Namespaced(\w+?)\s*\(/g)) {
      const target = kinds[kind];
      assert.ok(target, `unmapped client-node call ${verb}Namespaced${kind}: teach apiPermissionsUsed its resource`);
      used.add(`${target[0]}|${target[1]}|${verbs[verb]}`);
    }
    // Watch: a GET with ?watch on a collection path.
    for (const [, group, resource] of text.matchAll(/`\/apis?\/(?:([a-z0-9.-]+)\/)?v\d\w*\/namespaces\/\$\{[^}]+\}\/([a-z]+)`/g)) {
      if (/\.watch\s*\(/.test(text)) used.add(`${group ?? ''}|${resource}|watch`);
    }
    // Streaming logs with client-node's Log helper.
    if (/new\s+Log\s*\(/.test(text)) used.add('|pods/log|get');
    assert.doesNotMatch(text, /For(All|Any)Namespaces\s*\(/, 'cluster-wide calls need a ClusterRole; the chart grants a namespaced Role');
  }
  return used;
}

function granted(role: K8sObject): Set<string> {
  const set = new Set<string>();
  for (const rule of role.rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[]) {
    for (const group of rule.apiGroups) for (const resource of rule.resources) for (const verb of rule.verbs) set.add(`${group}|${resource}|${verb}`);
  }
  return set;
}

function orchestratorSources(): string[] {
  return readdirSync(TRAINING_DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => readFileSync(path.join(TRAINING_DIR, f), 'utf8'));
}

describe('charts/nnsuite: training orchestrator RBAC and Job template', function () {
  let helmBin: string;
  let rendered: Record<ProfileName, K8sObject[]>;

  before(async function () {
    helmBin = await helmOrSkip(this);
    rendered = await renderProfiles(helmBin);
  });

  const jobTemplate = (objects: K8sObject[]) => {
    const configMap = byKind(objects, 'ConfigMap').find((c) => c.data?.['job-template.json']);
    assert.ok(configMap, 'no job template ConfigMap');
    return JSON.parse(configMap.data['job-template.json']);
  };

  it('permission scan sees what a call needs (guards the Role check below against passing vacuously)', () => {
    const sample = "await api.readNamespacedPodLog({}); w.watch(`/api/v1/namespaces/${ns}/events`, {}, f, g); batch.createNamespacedJob({})";
    assert.deepEqual([...apiPermissionsUsed([sample])].sort(), ['batch|jobs|create', '|events|watch', '|pods/log|get'].sort());
  });

  it("the Role grants exactly the Kubernetes API calls services/training makes, in the release namespace only", function () {
    const role = byKind(rendered.default, 'Role').find((r) => component(r) === 'training');
    assert.ok(role, 'no orchestrator Role');
    assert.equal(byKind(rendered.default, 'ClusterRole').length, 0, 'nothing cluster-wide');
    if (!existsSync(TRAINING_DIR)) {
      console.warn('      services/training absent: cannot compare the Role with the orchestrator');
      this.skip();
    }
    const used = apiPermissionsUsed(orchestratorSources());
    assert.ok(used.size > 0, 'services/training makes no Kubernetes API call: is the Kubernetes executor elsewhere?');
    assert.deepEqual([...granted(role)].sort(), [...used].sort(), 'Role rules (group|resource|verb) vs the calls in services/training');
    const [binding] = byKind(rendered.default, 'RoleBinding');
    const orchestrator = byKind(rendered.default, 'Deployment').find((d) => component(d) === 'training') as K8sObject;
    assert.equal(binding.roleRef.name, role.metadata.name);
    assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: orchestrator.spec.template.spec.serviceAccountName, namespace: NAMESPACE }]);
  });

  it('the orchestrator is told to use the Kubernetes executor, where the template is mounted, and its limits', async () => {
    const orchestrator = byKind(rendered.default, 'Deployment').find((d) => component(d) === 'training') as K8sObject;
    const container = orchestrator.spec.template.spec.containers[0];
    const env = Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    assert.equal(env.NNSUITE_TRAINING_EXECUTOR, 'kubernetes');
    assert.equal(env.NNSUITE_TRAINING_MAX_WORKERS, undefined, 'unset: the service default');
    const mount = container.volumeMounts.find((m: { mountPath: string }) => env.NNSUITE_TRAINING_K8S_JOB_TEMPLATE.startsWith(`${m.mountPath}/`));
    assert.ok(mount, 'the template path is not under a mounted volume');
    const volume = orchestrator.spec.template.spec.volumes.find((v: { name: string }) => v.name === mount.name);
    assert.equal(path.basename(env.NNSUITE_TRAINING_K8S_JOB_TEMPLATE), volume.configMap.items[0].path);
    assert.equal(volume.configMap.items[0].key, 'job-template.json');
    const limited = await renderChart(helmBin, [], ['training.maxWorkers=4', 'training.maxAttempts=2']);
    const limitedEnv = (byKind(limited, 'Deployment').find((d) => component(d) === 'training') as K8sObject).spec.template.spec.containers[0].env;
    assert.deepEqual(limitedEnv.filter((e: { name: string }) => /MAX_(WORKERS|ATTEMPTS)$/.test(e.name)), [
      { name: 'NNSUITE_TRAINING_MAX_WORKERS', value: '4' },
      { name: 'NNSUITE_TRAINING_MAX_ATTEMPTS', value: '2' },
    ]);
  });

  it('with executor=local the orchestrator gets no Role, no Job template and no API token', async () => {
    const local = await renderChart(helmBin, [], ['training.executor=local']);
    assert.deepEqual(local.filter((o) => ['Role', 'RoleBinding'].includes(o.kind) || o.data?.['job-template.json']).map((o) => o.kind), []);
    const orchestrator = byKind(local, 'Deployment').find((d) => component(d) === 'training') as K8sObject;
    assert.equal(orchestrator.spec.template.spec.automountServiceAccountToken, false);
    assert.ok(!orchestrator.spec.template.spec.containers[0].env.some((e: { name: string }) => e.name === 'NNSUITE_TRAINING_K8S_JOB_TEMPLATE'));
    assert.ok(byKind(local, 'ServiceAccount').every((sa) => sa.automountServiceAccountToken === false));
  });

  it("the Job template holds the chart's settings: GPU profile on GPU nodes, CPU profile without GPUs", () => {
    const gpu = jobTemplate(rendered.gpu);
    assert.equal(gpu.namespace, NAMESPACE);
    assert.match(gpu.image, /-gpu$/);
    assert.equal(gpu.resources.limits[GPU], 1);
    assert.equal(gpu.resources.requests.memory, '16Gi');
    assert.equal(gpu.nodeSelector['nvidia.com/gpu.present'], 'true');
    assert.ok(gpu.tolerations.some((t: { key: string }) => t.key === GPU));
    assert.equal(gpu.backoffLimit, 0);
    assert.equal(gpu.ttlSecondsAfterFinished, 86400);
    const orchestratorSvc = byKind(rendered.gpu, 'Service').find((s) => component(s) === 'training') as K8sObject;
    assert.equal(gpu.orchestratorAddress, `${orchestratorSvc.metadata.name}.${NAMESPACE}.svc.cluster.local:${orchestratorSvc.spec.ports[0].port}`);
    const workerSa = byKind(rendered.gpu, 'ServiceAccount').find((s) => s.metadata.name === gpu.serviceAccountName);
    assert.ok(workerSa, 'the Jobs\' ServiceAccount is rendered');
    assert.equal(workerSa.automountServiceAccountToken, false, 'training Jobs get no API token');
    assert.ok(!byKind(rendered.gpu, 'RoleBinding').some((b) => b.subjects.some((s: { name: string }) => s.name === gpu.serviceAccountName)), 'training Jobs are bound to no Role');

    const cpu = jobTemplate(rendered.cpu);
    assert.match(cpu.image, /-cpu$/);
    assert.equal(JSON.stringify(cpu).includes(GPU), false);
    assert.equal(cpu.nodeSelector && Object.keys(cpu.nodeSelector).length, 0);
  });

  it("the orchestrator's buildJobManifest turns the rendered template into a valid Job with the chart's settings", async function () {
    if (!existsSync(MANIFEST_MODULE)) {
      console.warn('      pending: services/training/k8s-job-manifest.ts (buildJobManifest) does not exist yet');
      this.skip();
    }
    const manifest = await import(MANIFEST_MODULE);
    for (const profile of ['gpu', 'cpu'] as const) {
      const raw = jobTemplate(rendered[profile]);
      const template = manifest.parseJobTemplate(raw);
      const job = manifest.buildJobManifest(template, { id: 'j-0001', type: 'speech.rnnt', attempt: 1, gpuCount: 0 }) as K8sObject;
      await validateObject(job);
      const pod = job.spec.template.spec;
      const [worker] = pod.containers;
      assert.equal(job.metadata.namespace, raw.namespace, `${profile}: namespace`);
      assert.equal(worker.image, raw.image, `${profile}: image`);
      assert.equal(pod.serviceAccountName, raw.serviceAccountName, `${profile}: serviceAccountName`);
      assert.deepEqual(pod.nodeSelector ?? {}, raw.nodeSelector, `${profile}: nodeSelector`);
      assert.deepEqual(pod.tolerations ?? [], raw.tolerations, `${profile}: tolerations`);
      assert.deepEqual(worker.resources, raw.resources, `${profile}: resources`);
      assert.equal(job.spec.backoffLimit, raw.backoffLimit);
      assert.equal(job.spec.ttlSecondsAfterFinished, raw.ttlSecondsAfterFinished);
      assert.ok(worker.args.includes(raw.orchestratorAddress), `${profile}: the worker is pointed at the orchestrator`);
      // Everything the chart renders is used: no key of the template is silently ignored.
      assert.deepEqual(Object.keys(raw).sort(), ['backoffLimit', 'image', 'namespace', 'nodeSelector', 'orchestratorAddress', 'resources', 'serviceAccountName', 'tolerations', 'ttlSecondsAfterFinished']);
      // The worker runs an entry point the image holds.
      const entry = worker.command.find((a: string) => a.endsWith('.ts'));
      assert.ok(existsSync(path.join(REPO_ROOT, entry)), `worker entry ${entry} missing from the repository`);

      // The orchestrator's NetworkPolicy admits this Job's pods.
      const policy = byKind(rendered[profile], 'NetworkPolicy').find((p) => component(p) === 'training') as K8sObject;
      const grpcRule = policy.spec.ingress.find((r: { ports: { port: string }[] }) => r.ports[0].port === 'grpc');
      const admitted = grpcRule.from.some((peer: { podSelector: { matchLabels: Record<string, string> } }) =>
        Object.entries(peer.podSelector.matchLabels).every(([k, v]) => job.spec.template.metadata.labels[k] === v));
      assert.ok(admitted, `${profile}: worker pod labels ${JSON.stringify(job.spec.template.metadata.labels)} not admitted`);
    }
    // A job's own GPU count overrides the template's.
    const gpuJob = manifest.buildJobManifest(manifest.parseJobTemplate(jobTemplate(rendered.gpu)), { id: 'j-0002', type: 'ntk.kernel', attempt: 2, gpuCount: 4 });
    assert.equal(String(gpuJob.spec.template.spec.containers[0].resources.limits[GPU]), '4');
  });
});
