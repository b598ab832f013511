// Studies and their trials in the orchestrator's SQLite database (the trials' jobs live in job-store.ts).
import type Database from 'better-sqlite3';
import type { StudyConfig, StudyRecord, StudyState, TrialRecord } from './study-config.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS studies (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  config TEXT NOT NULL,
  state TEXT NOT NULL,
  best_trial TEXT NOT NULL DEFAULT '',
  create_time INTEGER NOT NULL,
  end_time INTEGER
);
CREATE TABLE IF NOT EXISTS trials (
  study_id TEXT NOT NULL,
  job_id TEXT NOT NULL UNIQUE,
  idx INTEGER NOT NULL,
  parameters TEXT NOT NULL,
  early_stopped INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (study_id, idx)
);
`;

interface StudyRow {
  id: string;
  config: string;
  state: StudyState;
  best_trial: string;
  create_time: number;
  end_time: number | null;
}

interface TrialRow {
  study_id: string;
  job_id: string;
  idx: number;
  parameters: string;
  early_stopped: number;
}

export class StudyStore {
  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
  }

  insert(id: string, config: StudyConfig, createTime: number): void {
    this.db.prepare("INSERT INTO studies (id, config, state, create_time) VALUES (?, ?, 'RUNNING', ?)").run(id, JSON.stringify(config), createTime);
  }

  get(id: string): StudyRecord | undefined {
    const row = this.db.prepare<[string], StudyRow>('SELECT * FROM studies WHERE id = ?').get(id);
    return row && fromRow(row);
  }

  inState(state: StudyState): StudyRecord[] {
    return this.db.prepare<[string], StudyRow>('SELECT * FROM studies WHERE state = ? ORDER BY seq').all(state).map(fromRow);
  }

  update(id: string, change: { state?: StudyState; bestTrial?: string; endTime?: number }): void {
    const current = this.get(id)!;
    this.db
      .prepare('UPDATE studies SET state = ?, best_trial = ?, end_time = ? WHERE id = ?')
      .run(change.state ?? current.state, change.bestTrial ?? current.bestTrial, change.endTime ?? current.endTime ?? null, id);
  }

  addTrial(trial: TrialRecord): void {
    this.db
      .prepare('INSERT INTO trials (study_id, job_id, idx, parameters, early_stopped) VALUES (?, ?, ?, ?, ?)')
      .run(trial.studyId, trial.jobId, trial.index, JSON.stringify(trial.parameters), trial.earlyStopped ? 1 : 0);
  }

  trials(studyId: string): TrialRecord[] {
    return this.db
      .prepare<[string], TrialRow>('SELECT * FROM trials WHERE study_id = ? ORDER BY idx')
      .all(studyId)
      .map((r) => ({ studyId: r.study_id, jobId: r.job_id, index: r.idx, parameters: JSON.parse(r.parameters), earlyStopped: r.early_stopped === 1 }));
  }

  markEarlyStopped(jobId: string): void {
    this.db.prepare('UPDATE trials SET early_stopped = 1 WHERE job_id = ?').run(jobId);
  }
}

function fromRow(row: StudyRow): StudyRecord {
  return { ...(JSON.parse(row.config) as StudyConfig), id: row.id, state: row.state, bestTrial: row.best_trial, createTime: row.create_time, endTime: row.end_time ?? undefined };
}
