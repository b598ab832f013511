// For k8s-executor.test.ts: an HTTP server playing the Kubernetes API for batch/v1 Jobs in one namespace —
// create, list, watch, delete — that records every request, and a fake kubelet that runs each created Job's
// container command on this machine (so the real worker runs, without shared disk) and reports the outcome
// as the Job's Complete/Failed condition.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig, type V1Job } from '@kubernetes/client-node';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization?: string;
  body?: unknown;
}

/** What the kubelet does with the next Jobs: run the container, fail the pod at once, or leave it pending. */
export type KubeletMode = 'run' | 'fail' | 'hold';

export class FakeKubernetesApi {
  readonly requests: RecordedRequest[] = [];
  readonly jobs = new Map<string, V1Job>();
  mode: KubeletMode = 'run';
  private readonly watchers = new Set<http.ServerResponse>();
  private readonly pods = new Map<string, ChildProcess>();
  private server?: http.Server;
  port = 0;

  constructor(readonly namespace: string, private readonly env: NodeJS.ProcessEnv) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server!.address() as AddressInfo).port;
  }

  kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'fake', server: `http://127.0.0.1:${this.port}`, skipTLSVerify: true }],
      users: [{ name: 'tester', token: 'test-token' }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'tester', namespace: this.namespace }],
      currentContext: 'fake',
    });
    return kc;
  }

  /** Run a held Job's pod now. */
  release(name: string): void {
    this.runPod(this.jobs.get(name)!);
  }

  async close(): Promise<void> {
    for (const pod of this.pods.values()) pod.kill('SIGKILL');
    for (const res of this.watchers) res.end();
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url!, 'http://fake');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : undefined;
    this.requests.push({ method: req.method!, path: url.pathname, query: url.searchParams, authorization: req.headers.authorization, body });
    const collection = `/apis/batch/v1/namespaces/${this.namespace}/jobs`;
    const json = (status: number, value: unknown): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    if (req.headers.authorization !== 'Bearer test-token') return json(401, { kind: 'Status', code: 401 });
    if (req.method === 'POST' && url.pathname === collection) {
      const job = body as V1Job;
      job.metadata = { ...job.metadata, uid: `uid-${job.metadata!.name}`, resourceVersion: '1' };
      job.status = {};
      this.jobs.set(job.metadata.name!, job);
      json(201, job);
      this.event('ADDED', job);
      if (this.mode === 'run') this.runPod(job);
      if (this.mode === 'fail') this.finish(job, 'Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit');
      return;
    }
    if (req.method === 'GET' && url.pathname === collection && url.searchParams.get('watch') === 'true') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      this.watchers.add(res);
      res.on('close', () => this.watchers.delete(res));
      return;
    }
    if (req.method === 'GET' && url.pathname === collection) {
      return json(200, { apiVersion: 'batch/v1', kind: 'JobList', metadata: { resourceVersion: '1' }, items: [...this.jobs.values()] });
    }
    const name = url.pathname.startsWith(`${collection}/`) ? url.pathname.slice(collection.length + 1) : '';
    if (req.method === 'DELETE' && this.jobs.has(name)) {
      const job = this.jobs.get(name)!;
      this.jobs.delete(name);
      this.pods.get(name)?.kill('SIGKILL');
      json(200, job);
      this.event('DELETED', job);
      return;
    }
    json(404, { kind: 'Status', code: 404, reason: 'NotFound' });
  }

  private event(type: string, object: V1Job): void {
    for (const res of this.watchers) res.write(`${JSON.stringify({ type, object })}\n`);
  }

  private runPod(job: V1Job): void {
    const container = job.spec!.template.spec!.containers[0];
    const [command, ...args] = [...container.command!, ...container.args!];
    const pod = spawn(command === 'node' ? process.execPath : command, args, { stdio: 'ignore', env: this.env });
    this.pods.set(job.metadata!.name!, pod);
    pod.once('close', (code) => {
      this.pods.delete(job.metadata!.name!);
      if (!this.jobs.has(job.metadata!.name!)) return;
      if (code === 0) this.finish(job, 'Complete', '', '');
      else this.finish(job, 'Failed', 'BackoffLimitExceeded', `pod exited with code ${code}`);
    });
  }

  private finish(job: V1Job, type: 'Complete' | 'Failed', reason: string, message: string): void {
    job.status = { ...(type === 'Complete' ? { succeeded: 1 } : { failed: 1 }), conditions: [{ type, status: 'True', reason, message }] };
    this.event('MODIFIED', job);
  }
}
