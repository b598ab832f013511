// The Kubernetes Job manifests, checked against the Kubernetes OpenAPI schemas (kubernetes-models) and for
// the settings the chart's template carries.
import assert from 'node:assert/strict';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { buildJobManifest, kubernetesJobName, parseJobTemplate, type JobTemplate } from './k8s-job-manifest.js';

const template: JobTemplate = parseJobTemplate({
  image: 'ghcr.io/nnsuite/nnsuite-gpu:0.1.0',
  namespace: 'nnsuite',
  serviceAccountName: 'nnsuite-training-worker',
  nodeSelector: { 'nvidia.com/gpu.present': 'true' },
  tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
  resources: { requests: { cpu: '2', memory: '8Gi' }, limits: { memory: '16Gi', 'nvidia.com/gpu': '1' } },
  backoffLimit: 1,
  ttlSecondsAfterFinished: 3600,
  orchestratorAddress: 'nnsuite-training:50054',
});
const job = { id: '0f8fad5b-d9cb-469f-a165-70867728950e', type: 'speech.rnnt', attempt: 2, gpuCount: 2 };

describe('Kubernetes Job manifest', () => {
  it('validates against the batch/v1 Job schema', () => {
    const manifest = buildJobManifest(template, job);
    new Job(manifest as ConstructorParameters<typeof Job>[0]).validate();
    // Without GPUs and with a minimal template it is still a valid Job.
    const minimal = buildJobManifest(parseJobTemplate({ image: 'nnsuite:dev', namespace: 'default', orchestratorAddress: 'training:50054' }), { ...job, gpuCount: 0 });
    new Job(minimal as ConstructorParameters<typeof Job>[0]).validate();
    assert.equal(minimal.spec!.template.spec!.containers[0].resources, undefined);
  });

  it('the schema check can fail: a malformed template is caught', () => {
    const bad = buildJobManifest({ ...template, tolerations: [{ key: 'k', tolerationSeconds: 'soon' as unknown as number }] }, job);
    assert.throws(() => new Job(bad as ConstructorParameters<typeof Job>[0]).validate(), /tolerationSeconds/);
  });

  it('carries the template settings, the GPUs, the worker command and the labels tying it to its job', () => {
    const m = buildJobManifest(template, job);
    const pod = m.spec!.template.spec!;
    const container = pod.containers[0];
    assert.equal(m.metadata!.namespace, 'nnsuite');
    assert.equal(m.spec!.backoffLimit, 1);
    assert.equal(m.spec!.ttlSecondsAfterFinished, 3600);
    assert.equal(pod.restartPolicy, 'Never');
    assert.equal(pod.serviceAccountName, 'nnsuite-training-worker');
    assert.deepEqual(pod.nodeSelector, { 'nvidia.com/gpu.present': 'true' });
    assert.deepEqual(pod.tolerations, template.tolerations);
    assert.equal(container.image, template.image);
    assert.deepEqual(container.resources, { requests: { cpu: '2', memory: '8Gi' }, limits: { memory: '16Gi', 'nvidia.com/gpu': '2' } }, "the job's gpu_count overrides the template's");
    assert.deepEqual([...container.command!, ...container.args!], ['node', '--import', 'tsx', 'services/training/worker.ts', '--job', job.id, '--attempt', '2', '--orchestrator', 'nnsuite-training:50054']);
    for (const labels of [m.metadata!.labels!, m.spec!.template.metadata!.labels!]) {
      assert.equal(labels['nnsuite.dev/job-id'], job.id);
      assert.equal(labels['nnsuite.dev/attempt'], '2');
      assert.equal(labels['app.kubernetes.io/managed-by'], 'nnsuite-training');
      assert.equal(labels['app.kubernetes.io/part-of'], 'nnsuite');
      for (const value of Object.values(labels)) assert.match(value, /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/);
    }
    assert.equal(m.metadata!.name, kubernetesJobName(job));
    assert.match(m.metadata!.name!, /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
  });

  it('names the bad key of a template', () => {
    assert.throws(() => parseJobTemplate({ namespace: 'x', orchestratorAddress: 'a:1' }), /job template: image must be a non-empty string/);
    assert.throws(() => parseJobTemplate({ ...template, backoffLimit: -1 }), /backoffLimit must be a non-negative integer/);
    assert.throws(() => parseJobTemplate({ ...template, nodeSelector: { a: 1 } }), /nodeSelector must map strings to strings/);
  });
});
