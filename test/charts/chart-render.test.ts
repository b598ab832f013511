// `helm template` of charts/nnsuite for the default values and the ci/ profiles: every object validated
// against the Kubernetes OpenAPI schemas, and the properties the suite depends on asserted on the output.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { byKind, component, helmOrSkip, NAMESPACE, PROFILES, RELEASE, REPO_ROOT, renderChart, renderProfiles, renderNotes, type K8sObject, type ProfileName } from './helm.js';
import { isCustomResource, validateObject } from './k8s-schema.js';

const MODEL_SERVICES = ['retrieval', 'speech', 'parrotron', 'ntk', 'morphnet'];
const PROCESSES = ['gateway', ...MODEL_SERVICES, 'training'];
const GPU = 'nvidia.com/gpu';

type Catalog = Record<string, { port: number; httpPort: number; fullName: string }>;

/** The runtime's own table of ports and service names, when the runtime exists in this checkout. */
async function runtimeCatalog(): Promise<Catalog | undefined> {
  const file = path.join(REPO_ROOT, 'services/runtime/config.ts');
  if (!existsSync(file)) return undefined;
  return ((await import(file)) as { SERVICE_CATALOG: Catalog }).SERVICE_CATALOG;
}

function deployment(objects: K8sObject[], name: string): K8sObject {
  const found = byKind(objects, 'Deployment').find((d) => component(d) === name);
  assert.ok(found, `no Deployment for ${name}`);
  return found;
}

function mainContainer(workload: K8sObject) {
  return workload.spec.template.spec.containers[0];
}

function env(container: { env?: { name: string; value?: string }[] }, name: string): string | undefined {
  return container.env?.find((e) => e.name === name)?.value;
}

describe('charts/nnsuite: rendered manifests', function () {
  let helmBin: string;
  let rendered: Record<ProfileName, K8sObject[]>;

  before(async function () {
    helmBin = await helmOrSkip(this);
    rendered = await renderProfiles(helmBin);
  });

  for (const profile of Object.keys(PROFILES) as ProfileName[]) {
    it(`${profile} values: every object validates against its Kubernetes schema`, async () => {
      const failures: string[] = [];
      for (const obj of rendered[profile]) await validateObject(obj).catch((e: Error) => failures.push(e.message));
      assert.deepEqual(failures, []);
      const kinds = new Set(rendered[profile].map((o) => o.kind));
      for (const kind of ['Deployment', 'Service', 'ServiceAccount', 'Role', 'RoleBinding', 'ConfigMap', 'NetworkPolicy', 'PodDisruptionBudget', 'PersistentVolumeClaim', 'Pod']) {
        assert.ok(kinds.has(kind), `${profile}: no ${kind} rendered`);
      }
    });

    it(`${profile} values: Helm/Kubernetes recommended labels on every object, selectors match pods`, () => {
      for (const obj of rendered[profile]) {
        const labels = obj.metadata.labels ?? {};
        for (const key of ['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/version', 'app.kubernetes.io/managed-by', 'helm.sh/chart']) {
          assert.ok(labels[key], `${obj.kind}/${obj.metadata.name} lacks label ${key}`);
        }
        assert.equal(labels['app.kubernetes.io/instance'], RELEASE);
        if (obj.kind !== 'ServiceMonitor') assert.equal(obj.metadata.namespace, NAMESPACE, `${obj.kind}/${obj.metadata.name} namespace`);
      }
      for (const d of byKind(rendered[profile], 'Deployment')) {
        for (const [key, value] of Object.entries(d.spec.selector.matchLabels as Record<string, string>)) {
          assert.equal(d.spec.template.metadata.labels[key], value, `${d.metadata.name}: selector ${key}`);
        }
      }
    });
  }

  const variants: string[][] = [
    ['gateway.service.type=NodePort', 'gateway.service.nodePort=30080', 'ingress.enabled=true', 'ingress.tls=false'],
    ['persistence.indexes.enabled=false', 'persistence.artifacts.existingClaim=shared-artifacts', 'persistence.models.enabled=true', 'persistence.models.storageClass=-'],
    ['networkPolicy.enabled=false', 'rbac.create=false', 'serviceAccount.create=false', 'tests.enabled=false'],
    ['training.enabled=false', 'gateway.enabled=false', 'speech.enabled=false'],
    ['gpu.runtimeClassName=nvidia', 'retrieval.gpus=0', 'morphnet.autoscaling.enabled=true', 'morphnet.autoscaling.targetMemory=80', 'global.imageRegistry=registry.local', 'global.imagePullSecrets[0]=pull'],
  ];
  for (const set of variants) {
    it(`renders valid objects with ${set.join(' ')}`, async () => {
      const objects = await renderChart(helmBin, [], set);
      const failures: string[] = [];
      for (const obj of objects) await validateObject(obj).catch((e: Error) => failures.push(e.message));
      assert.deepEqual(failures, []);
    });
  }

  it('the CRDs (ServiceMonitor, GRPCRoute) of the GPU profile are validated by their model packages', () => {
    const custom = rendered.gpu.filter(isCustomResource).map((o) => o.kind).sort();
    assert.deepEqual(custom, ['GRPCRoute', 'ServiceMonitor']);
  });

  it('GPU profile: each model service limits nvidia.com/gpu, runs the -gpu image on GPU nodes; others do not', () => {
    for (const name of PROCESSES) {
      const d = deployment(rendered.gpu, name);
      const pod = d.spec.template.spec;
      const container = mainContainer(d);
      if (MODEL_SERVICES.includes(name)) {
        assert.ok(Number(container.resources.limits?.[GPU]) >= 1, `${name} limits ${GPU}: ${JSON.stringify(container.resources)}`);
        assert.match(container.image, /-gpu$/, `${name} image`);
        assert.equal(pod.nodeSelector?.['nvidia.com/gpu.present'], 'true', `${name} nodeSelector`);
        assert.ok(pod.tolerations?.some((t: { key: string }) => t.key === GPU), `${name} tolerates the GPU taint`);
        assert.equal(env(container, 'NNSUITE_TF_BACKEND'), 'tensorflow');
      } else {
        assert.equal(container.resources.limits?.[GPU], undefined, `${name} must not hold a GPU`);
        assert.match(container.image, /-cpu$/, `${name} image`);
        assert.equal(pod.nodeSelector, undefined, `${name} is not pinned to GPU nodes`);
      }
    }
  });

  it('CPU profile: nothing anywhere asks for a GPU or a GPU node; every image is -cpu', () => {
    for (const obj of rendered.cpu) {
      const text = JSON.stringify(obj);
      assert.ok(!text.includes(GPU), `${obj.kind}/${obj.metadata.name} mentions ${GPU}`);
      assert.ok(!/:[^"]*-gpu"/.test(text), `${obj.kind}/${obj.metadata.name} uses a -gpu image`);
    }
    for (const name of MODEL_SERVICES) assert.equal(env(mainContainer(deployment(rendered.cpu, name)), 'NNSUITE_TF_BACKEND'), 'wasm');
  });

  it('probes are gRPC health checks on the gRPC port, naming the process\'s service; ports match the runtime', async () => {
    const catalog = await runtimeCatalog();
    if (!catalog) console.warn('      services/runtime/config.ts absent: ports and names checked against the chart only');
    for (const profile of Object.keys(PROFILES) as ProfileName[]) {
      for (const name of PROCESSES) {
        const container = mainContainer(deployment(rendered[profile], name));
        const grpcPort = container.ports.find((p: { name: string }) => p.name === 'grpc')?.containerPort;
        const httpPort = container.ports.find((p: { name: string }) => p.name === 'http-metrics')?.containerPort;
        assert.equal(env(container, `NNSUITE_${name.toUpperCase()}_PORT`), String(grpcPort), `${name}: the process listens where the port is declared`);
        assert.equal(env(container, `NNSUITE_${name.toUpperCase()}_HTTP_PORT`), String(httpPort));
        if (catalog) {
          assert.equal(grpcPort, catalog[name].port, `${name} gRPC port vs services/runtime/config.ts`);
          assert.equal(httpPort, catalog[name].httpPort, `${name} metrics port vs services/runtime/config.ts`);
        }
        for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
          const p = container[probe];
          assert.ok(p?.grpc, `${profile}/${name}: ${probe} is not a grpc probe`);
          assert.equal(p.grpc.port, grpcPort, `${profile}/${name}: ${probe} port`);
          const expected = catalog ? catalog[name].fullName : name === 'gateway' ? '' : undefined;
          if (expected !== undefined) assert.equal(p.grpc.service ?? '', expected, `${profile}/${name}: ${probe} service name`);
          else assert.match(p.grpc.service, new RegExp(`^nnsuite\\.${name}\\.v1\\.\\w+Service$`));
        }
        // Model loading may take minutes: the startup probe allows far longer than liveness would.
        const s = container.startupProbe;
        const l = container.livenessProbe;
        if (MODEL_SERVICES.includes(name)) assert.ok(s.periodSeconds * s.failureThreshold >= 5 * l.periodSeconds * l.failureThreshold, `${name} startup window`);
      }
    }
  });

  it('Services: the gateway is the endpoint, backends are headless, all expose grpc (h2c) and metrics', () => {
    for (const svc of byKind(rendered.default, 'Service')) {
      const ports = Object.fromEntries(svc.spec.ports.map((p: { name: string }) => [p.name, p]));
      assert.equal(ports.grpc?.targetPort, 'grpc');
      assert.equal(ports.grpc?.appProtocol, 'kubernetes.io/h2c');
      assert.equal(ports['http-metrics']?.targetPort, 'http-metrics');
      if (component(svc) === 'gateway') assert.equal(svc.spec.type, 'ClusterIP');
      else assert.equal(svc.spec.clusterIP, 'None', `${svc.metadata.name} headless`);
    }
    assert.equal(byKind(rendered.default, 'Service').length, PROCESSES.length);
  });

  it('the gateway and the orchestrator reach each enabled backend at its headless Service; a disabled one disappears', async () => {
    const addresses = (objects: K8sObject[], name: string) => Object.fromEntries((mainContainer(deployment(objects, name)).env as { name: string; value: string }[])
      .filter((e) => /^NNSUITE_[A-Z]+_ADDRESS$/.test(e.name)).map((e) => [e.name, e.value]));
    for (const caller of ['gateway', 'training']) {
      const found = addresses(rendered.default, caller);
      assert.equal(Object.keys(found).length, 6, `${caller} addresses`);
      for (const name of [...MODEL_SERVICES, 'training']) {
        const svc = byKind(rendered.default, 'Service').find((s) => component(s) === name) as K8sObject;
        // host:port, as serviceAddress() in services/runtime/config.ts reads it.
        assert.equal(found[`NNSUITE_${name.toUpperCase()}_ADDRESS`], `${svc.metadata.name}.${NAMESPACE}.svc.cluster.local:${svc.spec.ports[0].port}`, `${caller} → ${name}`);
      }
    }
    const withoutSpeech = await renderChart(helmBin, [], ['speech.enabled=false']);
    assert.ok(!withoutSpeech.some((o) => component(o) === 'speech'), 'speech objects rendered although disabled');
    assert.equal(addresses(withoutSpeech, 'gateway').NNSUITE_SPEECH_ADDRESS, undefined);
    const testPod = byKind(withoutSpeech, 'Pod')[0];
    assert.ok(!testPod.spec.containers[0].command.some((a: string) => a.includes('.speech.')), 'helm test still checks speech');
  });

  it('every pod runs non-root, read-only root filesystem with an emptyDir /tmp, all capabilities dropped', () => {
    for (const profile of Object.keys(PROFILES) as ProfileName[]) {
      const pods = [...byKind(rendered[profile], 'Deployment').map((d) => ({ name: d.metadata.name, spec: d.spec.template.spec })), ...byKind(rendered[profile], 'Pod').map((p) => ({ name: p.metadata.name, spec: p.spec }))];
      for (const { name, spec } of pods) {
        assert.equal(spec.securityContext.runAsNonRoot, true, `${name} runAsNonRoot`);
        assert.equal(spec.securityContext.seccompProfile?.type, 'RuntimeDefault');
        for (const c of spec.containers) {
          assert.equal(c.securityContext.readOnlyRootFilesystem, true, `${name} readOnlyRootFilesystem`);
          assert.equal(c.securityContext.allowPrivilegeEscalation, false);
          assert.deepEqual(c.securityContext.capabilities.drop, ['ALL']);
          if (spec.volumes?.some((v: { name: string }) => v.name === 'tmp')) {
            assert.ok(c.volumeMounts.some((m: { mountPath: string; name: string }) => m.mountPath === '/tmp' && spec.volumes.find((v: { name: string; emptyDir?: object }) => v.name === m.name)?.emptyDir), `${name} /tmp emptyDir`);
          } else {
            assert.match(name, /-test$/, `${name} has no writable /tmp`);
          }
        }
        // Only the orchestrator needs API credentials.
        assert.equal(spec.automountServiceAccountToken, name.endsWith('-training'), `${name} automountServiceAccountToken`);
      }
    }
  });

  it('NetworkPolicy: backends take gRPC only from the gateway and the orchestrator; the orchestrator also from its Jobs', () => {
    const policies = byKind(rendered.default, 'NetworkPolicy');
    assert.equal(policies.length, PROCESSES.length);
    const callers = (p: K8sObject) => p.spec.ingress.find((r: { ports: { port: string }[] }) => r.ports[0].port === 'grpc').from?.map((f: { podSelector: { matchLabels: Record<string, string> } }) => f.podSelector.matchLabels['app.kubernetes.io/component']).sort();
    for (const p of policies) {
      const name = component(p) as string;
      assert.deepEqual(p.spec.policyTypes, ['Ingress']);
      if (name === 'gateway') assert.equal(callers(p), undefined, 'gateway open to clients by default');
      else if (name === 'training') assert.deepEqual(callers(p), ['gateway', 'training-worker']);
      else assert.deepEqual(callers(p), ['gateway', 'training'], `${name} callers`);
    }
    // That the training Jobs' pods carry the labels admitted here: training-orchestrator.test.ts.
  });

  it('PVCs for models, indexes and artifacts are mounted where the processes keep that data', () => {
    const claims = byKind(rendered.gpu, 'PersistentVolumeClaim').map((c) => component(c)).sort();
    assert.deepEqual(claims, ['artifacts', 'indexes', 'models']);
    const mounts = (name: string) => Object.fromEntries(mainContainer(deployment(rendered.gpu, name)).volumeMounts.map((m: { name: string; mountPath: string }) => [m.name, m.mountPath]));
    assert.equal(mounts('retrieval').indexes, '/var/lib/nnsuite/retrieval');
    assert.equal(mounts('training').artifacts, '/var/lib/nnsuite/training');
    for (const name of MODEL_SERVICES) assert.equal(mounts(name).models, '/app/models');
    assert.equal(mounts('gateway').models, undefined);
    // Default values: checkpoints come from the image, no models claim.
    assert.ok(!byKind(rendered.default, 'PersistentVolumeClaim').some((c) => component(c) === 'models'));
  });

  it('GPU profile renders the HPA, Ingress (gRPC backend), GRPCRoute and ServiceMonitor for the gateway', () => {
    const [hpa] = byKind(rendered.gpu, 'HorizontalPodAutoscaler');
    assert.equal(hpa.spec.scaleTargetRef.name, deployment(rendered.gpu, 'gateway').metadata.name);
    assert.equal(deployment(rendered.gpu, 'gateway').spec.replicas, undefined, 'replicas left to the HPA');
    const [route] = byKind(rendered.gpu, 'GRPCRoute');
    const gatewaySvc = byKind(rendered.gpu, 'Service').find((s) => component(s) === 'gateway') as K8sObject;
    assert.equal(route.spec.rules[0].backendRefs[0].name, gatewaySvc.metadata.name);
    const [ingress] = byKind(rendered.gpu, 'Ingress');
    assert.equal(ingress.metadata.annotations?.['nginx.ingress.kubernetes.io/backend-protocol'], 'GRPC');
    const [monitor] = byKind(rendered.gpu, 'ServiceMonitor');
    assert.equal(monitor.spec.endpoints[0].port, 'http-metrics');
    assert.equal(byKind(rendered.default, 'ServiceMonitor').length, 0, 'ServiceMonitor is opt-in');
  });

  it('`helm test` Pod checks grpc.health.v1 through the gateway Service for "" and each backend', async () => {
    const catalog = await runtimeCatalog();
    const [pod] = byKind(rendered.default, 'Pod');
    assert.equal(pod.metadata.annotations?.['helm.sh/hook'], 'test');
    const [, script, address, ...services] = pod.spec.containers[0].command;
    assert.equal(script, '/opt/nnsuite-test/grpc-health-check.cjs');
    const gatewaySvc = byKind(rendered.default, 'Service').find((s) => component(s) === 'gateway') as K8sObject;
    assert.equal(address, `${gatewaySvc.metadata.name}.${NAMESPACE}.svc.cluster.local:${gatewaySvc.spec.ports[0].port}`);
    assert.equal(services[0], '');
    assert.equal(services.length, 7);
    if (catalog) assert.deepEqual(services.slice(1).sort(), [...MODEL_SERVICES, 'training'].map((n) => catalog[n].fullName).sort());
    const configMap = byKind(rendered.default, 'ConfigMap').find((c) => c.data?.['grpc-health-check.cjs']);
    assert.ok(configMap?.metadata.annotations?.['helm.sh/hook'] === 'test', 'the script ships as a test-hook ConfigMap');
  });

  it('NOTES.txt renders for every profile, naming each process and how to find the training Jobs', async () => {
    const manifestModule = path.join(REPO_ROOT, 'services/training/k8s-job-manifest.ts');
    const selector = existsSync(manifestModule) ? ((await import(manifestModule)) as { MANAGED_SELECTOR: string }).MANAGED_SELECTOR : undefined;
    for (const profile of Object.keys(PROFILES) as ProfileName[]) {
      const notes = await renderNotes(helmBin, PROFILES[profile]);
      for (const d of byKind(rendered[profile], 'Deployment')) assert.ok(notes.includes(d.metadata.name), `${profile}: NOTES lacks ${d.metadata.name}`);
      assert.ok(notes.includes(`helm test ${RELEASE} -n ${NAMESPACE}`));
      if (selector) assert.ok(notes.includes(`get jobs -l ${selector}`), `${profile}: NOTES' Job selector differs from the orchestrator's ${selector}`);
    }
  });
});
