// The served conversion models: the base checkpoint and every personalized one, by id. Personalized models
// are registered when their job is created (pending) and loaded once the training service reports the job
// SUCCEEDED and its checkpoint has been fetched into a local folder (`jobOutcome`); the list persists in
// `<dataDir>/models.json` across restarts.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadParrotron, type LoadedParrotron } from './model/model-io.js';

export interface ModelInfo {
  id: string;
  baseModel: string;
  speaker: string;
  /** `jobs/{id}` that produced it. */
  job: string;
  createTime: string; // ISO
  /** Checkpoint folder; empty while the job runs. */
  dir: string;
}

export type JobOutcome = { state: 'running' } | { state: 'succeeded'; modelDir: string } | { state: 'failed'; error: string };

export class ModelNotReadyError extends Error {}

export const BASE_MODEL_ID = 'base';

export class ModelStore {
  private readonly loaded = new Map<string, LoadedParrotron>();
  private infos: ModelInfo[] = [];

  constructor(readonly baseDir: string, readonly dataDir: string, private readonly jobOutcome: (job: string) => Promise<JobOutcome>) {}

  load(): void {
    this.loaded.set(BASE_MODEL_ID, loadParrotron(this.baseDir));
    const index = join(this.dataDir, 'models.json');
    this.infos = existsSync(index) ? JSON.parse(readFileSync(index, 'utf8')) as ModelInfo[] : [];
    for (const info of this.infos) if (info.dir && existsSync(join(info.dir, 'model.json'))) this.loaded.set(info.id, loadParrotron(info.dir));
  }

  get ready(): boolean {
    return this.loaded.has(BASE_MODEL_ID);
  }

  /** Served models (base first), after checking pending jobs. */
  async list(): Promise<ModelInfo[]> {
    await this.refresh();
    const base: ModelInfo = { id: BASE_MODEL_ID, baseModel: '', speaker: '', job: '', createTime: '', dir: this.baseDir };
    return [base, ...this.infos.filter((i) => this.loaded.has(i.id))];
  }

  /** The model `id` ('' = base); undefined when unknown; throws ModelNotReadyError while its job runs. */
  async get(id: string): Promise<LoadedParrotron | undefined> {
    const key = id || BASE_MODEL_ID;
    if (!this.loaded.has(key) && this.infos.some((i) => i.id === key)) await this.refresh();
    const model = this.loaded.get(key);
    if (!model && this.infos.some((i) => i.id === key)) throw new ModelNotReadyError(`model ${key} is still being trained`);
    return model;
  }

  /** Checkpoint folder of a served model (what a personalization fine-tunes). */
  dirOf(id: string): string | undefined {
    const key = id || BASE_MODEL_ID;
    return key === BASE_MODEL_ID ? this.baseDir : this.infos.find((i) => i.id === key && this.loaded.has(key))?.dir;
  }

  /** A fresh id `speaker-<name>-<n>` registered as pending on `job`. */
  addPending(speaker: string, baseModel: string, job: string): ModelInfo {
    const n = this.infos.filter((i) => i.speaker === speaker).length + 1;
    const info: ModelInfo = { id: `speaker-${speaker}-${n}`, baseModel: baseModel || BASE_MODEL_ID, speaker, job, createTime: new Date().toISOString(), dir: '' };
    this.infos.push(info);
    this.save();
    return info;
  }

  private refreshing?: Promise<void>;

  /** One refresh at a time: concurrent callers share it (a succeeded job's checkpoint is fetched once). */
  private refresh(): Promise<void> {
    return (this.refreshing ??= this.checkPending().finally(() => {
      this.refreshing = undefined;
    }));
  }

  private async checkPending(): Promise<void> {
    let changed = false;
    for (const info of this.infos.filter((i) => !i.dir)) {
      const outcome = await this.jobOutcome(info.job);
      if (outcome.state === 'succeeded') {
        this.loaded.set(info.id, loadParrotron(outcome.modelDir));
        info.dir = outcome.modelDir;
        changed = true;
      } else if (outcome.state === 'failed') {
        this.infos = this.infos.filter((i) => i !== info);
        changed = true;
      }
    }
    if (changed) this.save();
  }

  private save(): void {
    mkdirSync(this.dataDir, { recursive: true });
    writeFileSync(join(this.dataDir, 'models.json'), JSON.stringify(this.infos, null, 2));
  }

  close(): void {
    for (const m of this.loaded.values()) m.model.dispose();
    this.loaded.clear();
  }
}
