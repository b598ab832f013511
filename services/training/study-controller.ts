// Drives studies: keeps `parallelism` trials going until `max_trials`, fails a study past
// `max_failed_trials`, applies the median stopping rule as trials report the objective, and tracks the best
// trial. All state is in the store, so after a restart `start()` simply carries every running study on.
import { randomUUID } from 'node:crypto';
import type { JobState } from './job-state.js';
import { medianStop } from './median-stop.js';
import type { JobEvent, Orchestrator } from './orchestrator.js';
import { suggest, validateSearchSpace } from './search-space.js';
import { StudyConfigError, type StudyConfig, type StudyRecord, type TrialRecord } from './study-config.js';
import type { StudyStore } from './study-store.js';
import { Subscribers } from './subscribers.js';

export interface TrialView extends TrialRecord {
  state: JobState;
  /** Last reported value of the objective metric. */
  objectiveValue?: number;
}

export interface StudyView {
  study: StudyRecord;
  trials: TrialView[];
}

export class StudyNotFoundError extends Error {
  constructor(readonly studyId: string) {
    super(`study "${studyId}" not found`);
  }
}

const ACTIVE: readonly JobState[] = ['QUEUED', 'RUNNING'];

export class StudyController {
  private readonly listeners = new Subscribers<StudyView>();
  private unsubscribe?: () => void;

  constructor(
    private readonly orchestrator: Orchestrator,
    private readonly store: StudyStore,
    private readonly log: (message: string, fields?: Record<string, unknown>) => void,
  ) {}

  /** Follow trial events and carry on the studies a previous run left RUNNING. */
  start(): void {
    this.unsubscribe = this.orchestrator.subscribe('*', (event) => this.onJobEvent(event));
    for (const study of this.store.inState('RUNNING')) this.advance(study.id);
  }

  close(): void {
    this.unsubscribe?.();
  }

  createStudy(config: StudyConfig): StudyView {
    validateStudy(config);
    // Unknown types and bad base specs fail here, before anything is stored (UnknownJobTypeError, JobSpecError).
    this.orchestrator.registry.get(config.trialType).validate({ ...config.baseSpec, ...suggest(config, 0) });
    const id = randomUUID();
    this.store.insert(id, config, Date.now());
    this.advance(id);
    return this.getStudy(id);
  }

  getStudy(id: string): StudyView {
    const study = this.store.get(id);
    if (!study) throw new StudyNotFoundError(id);
    const trials = this.store.trials(id).map((trial) => {
      const job = this.orchestrator.getJob(trial.jobId);
      return { ...trial, state: job.state, objectiveValue: this.orchestrator.store.metrics(trial.jobId, study.objective.metric).at(-1)?.value };
    });
    return { study, trials };
  }

  /** Follow one study; returns the unsubscribe function. */
  subscribe(id: string, listener: (view: StudyView) => void): () => void {
    return this.listeners.subscribe(id, listener);
  }

  private onJobEvent({ job, metrics }: JobEvent): void {
    if (!job.study) return;
    const study = this.store.get(job.study);
    if (!study || study.state !== 'RUNNING') return;
    if (job.state === 'RUNNING' && study.medianStop && metrics.some((m) => m.name === study.objective.metric)) this.checkEarlyStop(study, job.id);
    // A trial created by advance() itself arrives QUEUED: only endings call for new trials.
    if (!ACTIVE.includes(job.state)) this.advance(study.id);
    else if (metrics.length === 0) this.notify(study.id);
  }

  private checkEarlyStop(study: StudyRecord, jobId: string): void {
    const metric = study.objective.metric;
    const series = (id: string) => this.orchestrator.store.metrics(id, metric);
    const completed = this.store
      .trials(study.id)
      .filter((t) => !t.earlyStopped && this.orchestrator.getJob(t.jobId).state === 'SUCCEEDED')
      .map((t) => series(t.jobId));
    const decision = medianStop(series(jobId), completed, study.objective.goal, study.medianStop!);
    if (!decision.stop) return;
    this.log('stopping trial early', { study: study.id, job: jobId, reason: decision.reason });
    this.store.markEarlyStopped(jobId);
    this.orchestrator.cancelJob(jobId, `stopped early by the median stopping rule: ${decision.reason}`);
  }

  private advancing = false;

  /** Bring a study up to date: new trials while there is room, its end when there is none, its best trial. */
  private advance(id: string): void {
    // Creating a trial emits job events that lead back here; the outer call already handles them.
    if (this.advancing) return;
    this.advancing = true;
    try {
      const study = this.store.get(id)!;
      if (study.state !== 'RUNNING') return;
      let trials = this.getStudy(id).trials;
      const failed = trials.filter((t) => t.state === 'FAILED').length;
      if (failed > study.maxFailedTrials) {
        for (const t of trials) if (ACTIVE.includes(t.state)) this.orchestrator.cancelJob(t.jobId, 'the study failed');
        this.store.update(id, { state: 'FAILED', endTime: Date.now() });
        this.log('study failed', { study: id, failed });
      } else {
        let active = trials.filter((t) => ACTIVE.includes(t.state)).length;
        for (let index = trials.length; index < study.maxTrials && active < study.parallelism; index++, active++) this.createTrial(study, index);
        trials = this.getStudy(id).trials;
        if (trials.length >= study.maxTrials && !trials.some((t) => ACTIVE.includes(t.state))) this.store.update(id, { state: 'SUCCEEDED', endTime: Date.now() });
      }
      this.store.update(id, { bestTrial: bestTrial(study, trials) });
    } finally {
      this.advancing = false;
    }
    this.notify(id);
  }

  private createTrial(study: StudyRecord, index: number): void {
    const parameters = suggest(study, index);
    const job = this.orchestrator.createJob({
      type: study.trialType,
      spec: { ...study.baseSpec, ...parameters },
      labels: { ...study.labels, 'nnsuite.dev/study': study.id, 'nnsuite.dev/trial': String(index) },
      study: study.id,
    });
    this.store.addTrial({ studyId: study.id, jobId: job.id, index, parameters, earlyStopped: false });
  }

  private notify(id: string): void {
    if (!this.listeners.has(id)) return;
    this.listeners.emit(id, this.getStudy(id), (error) => this.log('study listener failed', { study: id, error }));
  }
}

function bestTrial(study: StudyRecord, trials: TrialView[]): string {
  let best: TrialView | undefined;
  for (const t of trials) {
    if (t.state !== 'SUCCEEDED' || t.objectiveValue === undefined) continue;
    const better = study.objective.goal === 'minimize' ? t.objectiveValue < (best?.objectiveValue ?? Infinity) : t.objectiveValue > (best?.objectiveValue ?? -Infinity);
    if (better) best = t;
  }
  return best?.jobId ?? '';
}

function validateStudy(config: StudyConfig): void {
  if (!config.trialType) throw new StudyConfigError('study.trial_type', 'must name a job type');
  if (!config.objective.metric) throw new StudyConfigError('study.objective.metric_name', 'must not be empty');
  if (!Number.isInteger(config.maxTrials) || config.maxTrials < 1) throw new StudyConfigError('study.max_trials', 'must be ≥ 1');
  if (!Number.isInteger(config.parallelism) || config.parallelism < 1) throw new StudyConfigError('study.parallelism', 'must be ≥ 1');
  if (config.maxFailedTrials < 0) throw new StudyConfigError('study.max_failed_trials', 'must be ≥ 0');
  if (config.medianStop && config.medianStop.minTrialsRequired < 1) throw new StudyConfigError('study.median_stop.min_trials_required', 'must be ≥ 1');
  validateSearchSpace(config);
}
