// Jobs, their metric series and artifacts in SQLite (better-sqlite3, WAL): the orchestrator's only state,
// so a restart loses nothing. Every state change goes through the state machine inside one transaction.
import Database from 'better-sqlite3';
import { assertTransition, type ArtifactInfo, type JobRecord, type JobState, type MetricPoint } from './job-state.js';

export interface JobFilter {
  type?: string;
  state?: JobState;
  labels?: Record<string, string>;
  study?: string;
}

export interface JobPage {
  jobs: JobRecord[];
  /** '' on the last page. */
  nextPageToken: string;
}

/** A page token that does not decode to a position in the listing. */
export class InvalidPageTokenError extends Error {}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  spec TEXT NOT NULL,
  state TEXT NOT NULL,
  progress REAL NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  executor TEXT NOT NULL DEFAULT '',
  error TEXT NOT NULL DEFAULT '',
  result TEXT,
  labels TEXT NOT NULL,
  study TEXT NOT NULL DEFAULT '',
  gpu_count INTEGER NOT NULL DEFAULT 0,
  create_time INTEGER NOT NULL,
  start_time INTEGER,
  end_time INTEGER
);
CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs (state, seq);
CREATE INDEX IF NOT EXISTS jobs_by_study ON jobs (study, seq);
CREATE TABLE IF NOT EXISTS metrics (
  job_id TEXT NOT NULL,
  name TEXT NOT NULL,
  step INTEGER NOT NULL,
  value REAL NOT NULL,
  time INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS metrics_by_job ON metrics (job_id, name, step);
CREATE TABLE IF NOT EXISTS artifacts (
  job_id TEXT NOT NULL,
  path TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  PRIMARY KEY (job_id, path)
);
`;

interface JobRow {
  seq: number;
  id: string;
  type: string;
  spec: string;
  state: JobState;
  progress: number;
  attempts: number;
  max_attempts: number;
  executor: string;
  error: string;
  result: string | null;
  labels: string;
  study: string;
  gpu_count: number;
  create_time: number;
  start_time: number | null;
  end_time: number | null;
}

/** Fields a state change may set along with the state. */
export type JobChange = Partial<Pick<JobRecord, 'progress' | 'attempts' | 'executor' | 'error' | 'result' | 'startTime' | 'endTime'>>;

const COLUMNS: Record<keyof JobChange, string> = {
  progress: 'progress',
  attempts: 'attempts',
  executor: 'executor',
  error: 'error',
  result: 'result',
  startTime: 'start_time',
  endTime: 'end_time',
};

export class JobStore {
  readonly db: Database.Database;
  private readonly byId;
  private readonly insertJob;
  private readonly insertMetric;
  private readonly upsertArtifact;
  /** Statements built from a few fixed shapes of SQL, prepared once each (preparing costs more than running). */
  private readonly statements = new Map<string, Database.Statement>();
  private readonly transact: (id: string, to: JobState, change: JobChange) => JobRecord;
  private readonly insertMetrics: (id: string, points: readonly MetricPoint[]) => void;
  private readonly upsertArtifacts: (id: string, artifacts: readonly ArtifactInfo[]) => void;
  private readonly inTransaction: <T>(fn: () => T) => T;

  /** `file` is a path, or ':memory:'. */
  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // WAL with synchronous=NORMAL stays consistent after a crash; only the last commits may roll back.
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    this.byId = this.db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE id = ?');
    this.insertJob = this.db.prepare(
      `INSERT INTO jobs (id, type, spec, state, progress, attempts, max_attempts, executor, error, labels, study, gpu_count, create_time)
       VALUES (@id, @type, @spec, @state, @progress, @attempts, @maxAttempts, @executor, @error, @labels, @study, @gpuCount, @createTime)`,
    );
    this.insertMetric = this.db.prepare('INSERT INTO metrics (job_id, name, step, value, time) VALUES (?, ?, ?, ?, ?)');
    this.upsertArtifact = this.db.prepare(
      'INSERT INTO artifacts (job_id, path, size_bytes, content_type) VALUES (?, ?, ?, ?) ON CONFLICT (job_id, path) DO UPDATE SET size_bytes = excluded.size_bytes, content_type = excluded.content_type',
    );
    this.transact = this.db.transaction((id: string, to: JobState, change: JobChange) => {
      const row = this.byId.get(id);
      if (!row) throw new Error(`job ${id} does not exist`);
      assertTransition(row.state, to);
      this.write(id, change, to);
      return { ...fromRow(row), ...change, state: to };
    });
    this.inTransaction = this.db.transaction((fn: () => unknown) => fn()) as <T>(fn: () => T) => T;
    this.insertMetrics = this.db.transaction((id: string, points: readonly MetricPoint[]) => {
      for (const p of points) this.insertMetric.run(id, p.name, p.step, p.value, p.time);
    });
    this.upsertArtifacts = this.db.transaction((id: string, artifacts: readonly ArtifactInfo[]) => {
      for (const a of artifacts) this.upsertArtifact.run(id, a.path, a.sizeBytes, a.contentType);
    });
  }

  /** Run `fn` as one transaction (one commit for several changes). */
  atomically<T>(fn: () => T): T {
    return this.inTransaction(fn);
  }

  insert(job: JobRecord): void {
    this.insertJob.run({ ...job, spec: JSON.stringify(job.spec), labels: JSON.stringify(job.labels) });
  }

  get(id: string): JobRecord | undefined {
    const row = this.byId.get(id);
    return row && fromRow(row);
  }

  /** Move a job to `to` (checked against the state machine) and set `change`, atomically; returns the job after. */
  transition(id: string, to: JobState, change: JobChange = {}): JobRecord {
    return this.transact(id, to, change);
  }



  /** Set fields without changing the state (progress). */
  update(id: string, change: JobChange): void {
    this.write(id, change);
  }

  private write(id: string, change: JobChange, state?: JobState): void {
    const sets: string[] = [];
    const values: unknown[] = [];
    if (state) {
      sets.push('state = ?');
      values.push(state);
    }
    for (const [key, value] of Object.entries(change) as [keyof JobChange, unknown][]) {
      sets.push(`${COLUMNS[key]} = ?`);
      values.push(key === 'result' ? JSON.stringify(value) : value);
    }
    if (sets.length) this.prepared(`UPDATE jobs SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
  }

  private prepared(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }

  /** Newest first; the page token is the position after the last job returned. */
  list(filter: JobFilter, pageSize: number, pageToken = ''): JobPage {
    const where: string[] = [];
    const values: unknown[] = [];
    if (pageToken) {
      const seq = Number(Buffer.from(pageToken, 'base64url').toString());
      if (!Number.isInteger(seq) || seq <= 0) throw new InvalidPageTokenError('not a token from a previous ListJobs');
      where.push('seq < ?');
      values.push(seq);
    }
    for (const column of ['type', 'state', 'study'] as const) {
      if (filter[column]) {
        where.push(`${column} = ?`);
        values.push(filter[column]);
      }
    }
    for (const [key, value] of Object.entries(filter.labels ?? {})) {
      where.push('json_extract(labels, ?) = ?');
      values.push(`$."${key.replaceAll('"', '""')}"`, value);
    }
    const sql = `SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    const rows = this.prepared(sql).all(...values, pageSize + 1) as JobRow[];
    const more = rows.length > pageSize;
    const page = rows.slice(0, pageSize);
    return { jobs: page.map(fromRow), nextPageToken: more ? Buffer.from(String(page.at(-1)!.seq)).toString('base64url') : '' };
  }

  /** Queued jobs in the order they were created. */
  queued(limit: number): JobRecord[] {
    return (this.prepared("SELECT * FROM jobs WHERE state = 'QUEUED' ORDER BY seq LIMIT ?").all(limit) as JobRow[]).map(fromRow);
  }

  inState(state: JobState): JobRecord[] {
    return this.db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE state = ? ORDER BY seq').all(state).map(fromRow);
  }

  addMetrics(id: string, points: readonly MetricPoint[]): void {
    this.insertMetrics(id, points);
  }

  /** A job's metric points in step order, all of them or one metric's. */
  metrics(id: string, name?: string): MetricPoint[] {
    return name === undefined
      ? this.db.prepare<[string], MetricPoint>('SELECT name, step, value, time FROM metrics WHERE job_id = ? ORDER BY rowid').all(id)
      : this.db.prepare<[string, string], MetricPoint>('SELECT name, step, value, time FROM metrics WHERE job_id = ? AND name = ? ORDER BY step, rowid').all(id, name);
  }

  /** Forget a job's metric points and artifacts (before a retry). */
  clearOutputs(id: string): void {
    this.db.prepare('DELETE FROM metrics WHERE job_id = ?').run(id);
    this.db.prepare('DELETE FROM artifacts WHERE job_id = ?').run(id);
  }

  addArtifacts(id: string, artifacts: readonly ArtifactInfo[]): void {
    this.upsertArtifacts(id, artifacts);
  }

  artifacts(id: string): ArtifactInfo[] {
    return this.db
      .prepare<[string], ArtifactInfo>('SELECT path, size_bytes AS sizeBytes, content_type AS contentType FROM artifacts WHERE job_id = ? ORDER BY path')
      .all(id);
  }

  close(): void {
    this.db.close();
  }
}

function fromRow(row: JobRow): JobRecord {
  return {
    id: row.id,
    type: row.type,
    spec: JSON.parse(row.spec),
    state: row.state,
    progress: row.progress,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    executor: row.executor,
    error: row.error,
    result: row.result === null ? undefined : JSON.parse(row.result),
    labels: JSON.parse(row.labels),
    study: row.study,
    gpuCount: row.gpu_count,
    createTime: row.create_time,
    startTime: row.start_time ?? undefined,
    endTime: row.end_time ?? undefined,
  };
}
