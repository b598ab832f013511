// BENCHMARK ONLY — not a production executor. Runs each job type inside the orchestrator's own process (no
// isolation, no cancel-by-kill), so the benchmark can time the orchestrator's scheduling and bookkeeping
// apart from worker start-up. The jobs still go through the real store, state machine and job runner.
import type { Executor, ExecutorHooks, WorkerLaunch } from '../../../services/training/executor.js';
import type { JobRegistry } from '../../../services/training/job-registry.js';
import { runJob } from '../../../services/training/job-runner.js';

export class InProcessExecutor implements Executor {
  readonly name = 'in-process-bench';
  readonly capacity: number;
  private hooks?: ExecutorHooks;
  /** Milliseconds spent in job types' `run`, less the time their reports spent in the orchestrator. */
  jobWorkMs = 0;
  /** Milliseconds spent inside the orchestrator's hooks: report handling, and on each exit the scheduling of the next job. */
  orchestratorMs = 0;
  /** CPU time (user + system, µs) of the same: on a shared machine wall time also counts other processes' turns. */
  orchestratorCpuUs = 0;

  constructor(private readonly registry: JobRegistry, capacity = 1) {
    this.capacity = capacity;
  }

  attach(hooks: ExecutorHooks): void {
    this.hooks = hooks;
  }

  async start({ job, attempt, artifactDir }: WorkerLaunch): Promise<void> {
    const hooks = this.hooks!;
    const type = this.registry.get(job.type);
    let reportMs = 0;
    // Started on a later tick, as a worker process would be: `start` only launches.
    setImmediate(async () => {
      const timedType = {
        ...type,
        run: async (spec: unknown, ctx: Parameters<typeof type.run>[1]) => {
          const t0 = performance.now();
          try {
            return await type.run(spec, ctx);
          } finally {
            this.jobWorkMs += performance.now() - t0 - reportMs;
          }
        },
      };
      const report = async (r: Parameters<ExecutorHooks['report']>[2]) => {
        const t0 = performance.now();
        const cpu = process.cpuUsage();
        try {
          return hooks.report(job.id, attempt, r);
        } finally {
          reportMs += performance.now() - t0;
          this.count(t0, cpu);
        }
      };
      await runJob(timedType, job.spec, { artifactDir, report, log: () => undefined });
      const t0 = performance.now();
      const cpu = process.cpuUsage();
      hooks.exited(job.id, attempt);
      this.count(t0, cpu);
    });
  }

  private count(t0: number, cpu: NodeJS.CpuUsage): void {
    this.orchestratorMs += performance.now() - t0;
    const d = process.cpuUsage(cpu);
    this.orchestratorCpuUs += d.user + d.system;
  }

  async stop(): Promise<void> {}

  async recover(): Promise<string[]> {
    return [];
  }

  async close(): Promise<void> {}
}
