// The results store: one SQLite file, one row per job. A result is committed here before its message is
// acked, so a crash never loses a finished result; a redelivered result finds its job ended and changes nothing.
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { jobStatusOf, type FailureMessage, type JobOptions, type JobStatus, type ResultMessage } from '../protocol/index.js';
import type { PlannedSweepJob } from './spec.js';
import { checkStorePath, StoreError } from './store-file.js';
import { ArtifactTables, artifactSchema, artifactTables } from './artifact-store.js';

export { StoreError } from './store-file.js';

export interface JobRow {
  sweep: string;
  id: string;
  group: string;
  index: number;
  options: JobOptions;
  /** sha256 of each file option's contents when planned (orchestrator/spec.ts); null when it reads none. */
  inputs: Record<string, string> | null;
  status: JobStatus;
  attempts: number;
  generation: number;
  reason: string | null;
  metrics: Record<string, number | string | boolean | null> | null;
  host: string | null;
  lane: string | null;
  device: string | null;
  queued_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  duration_s: number | null;
}

export interface SweepIdentity {
  run: string;
  secret: string;
  epoch: number;
}

export const finishedStatuses: readonly JobStatus[] = ['done', 'failed', 'diverged', 'stopped'];

const schema = `
CREATE TABLE IF NOT EXISTS sweeps (
  name TEXT PRIMARY KEY,
  spec TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  run TEXT,
  secret TEXT,
  epoch INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS jobs (
  sweep TEXT NOT NULL,
  id TEXT NOT NULL,
  grp TEXT NOT NULL,
  idx INTEGER NOT NULL,
  options TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'diverged', 'stopped')),
  attempts INTEGER NOT NULL DEFAULT 0,
  generation INTEGER NOT NULL DEFAULT 0,
  reason TEXT,
  metrics TEXT,
  host TEXT,
  lane TEXT,
  device TEXT,
  queued_at TEXT,
  started_at TEXT,
  finished_at TEXT,
  duration_s REAL,
  retired INTEGER NOT NULL DEFAULT 0,
  inputs TEXT,
  PRIMARY KEY (sweep, id)
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs (sweep, status);
`;

interface RawRow extends Omit<JobRow, 'options' | 'metrics' | 'group' | 'index' | 'inputs'> {
  grp: string;
  idx: number;
  options: string;
  inputs: string | null;
  metrics: string | null;
}

const toRow = (raw: RawRow): JobRow => {
  const { grp, idx, options, metrics, inputs, ...rest } = raw;
  return { ...rest, group: grp, index: idx, options: JSON.parse(options) as JobOptions, inputs: inputs ? (JSON.parse(inputs) as Record<string, string>) : null, metrics: metrics ? (JSON.parse(metrics) as JobRow['metrics']) : null };
};

/** Columns added after the first release of the store: an older store gets them on open. */
const addedColumns = [
  ['sweeps', 'run', 'TEXT'],
  ['sweeps', 'secret', 'TEXT'],
  ['sweeps', 'epoch', 'INTEGER NOT NULL DEFAULT 0'],
  ['jobs', 'retired', 'INTEGER NOT NULL DEFAULT 0'],
  ['jobs', 'inputs', 'TEXT'],
  ['artifacts', 'weights', 'TEXT'],
] as const;

const storeTables = { sweeps: ['name', 'spec', 'created_at', 'updated_at'], jobs: ['sweep', 'id', 'grp', 'idx', 'options', 'status'], ...artifactTables } as const;

/** A database holding other tables, or our tables with other columns, is not ours to write into. */
function checkSchema(db: Database.Database, path: string): void {
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>).map((t) => t.name);
  if (tables.length === 0) return;
  const foreign = tables.filter((t) => !(t in storeTables));
  if (foreign.length) throw new StoreError(`--store ${path}: a SQLite database of another program (tables ${foreign.slice(0, 5).join(', ')}), not a sweep store`);
  for (const [table, columns] of Object.entries(storeTables)) {
    if (!tables.includes(table)) continue;
    const have = new Set((db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name));
    const missing = columns.filter((c) => !have.has(c));
    if (missing.length) throw new StoreError(`--store ${path}: table ${table} lacks ${missing.join(', ')}: another schema, not this version's store`);
  }
}

/**
 * A store made before jobs could be `stopped` has a jobs table whose CHECK refuses it, and SQLite cannot alter a
 * CHECK: the table is rebuilt under this version's schema, rows and all, in one transaction.
 */
function allowStoppedStatus(db: Database.Database): void {
  const table = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'jobs'").get() as { sql: string } | undefined;
  if (!table || table.sql.includes("'stopped'")) return;
  const columns = (db.prepare('PRAGMA table_info(jobs)').all() as Array<{ name: string }>).map((c) => c.name).join(', ');
  db.transaction(() => {
    db.exec('ALTER TABLE jobs RENAME TO jobs_before_stopped; DROP INDEX IF EXISTS jobs_status;');
    db.exec(schema);
    db.exec(`INSERT INTO jobs (${columns}) SELECT ${columns} FROM jobs_before_stopped; DROP TABLE jobs_before_stopped;`);
  })();
}

export class ResultStore {
  private readonly db: Database.Database;
  /** Each job's fields and loss history (artifact-store.ts), written in the same transactions as the jobs. */
  readonly artifacts: ArtifactTables;

  /** Opens (or, with `create`, makes) a store; a file that is not one is a StoreError naming why (store-file.ts). */
  constructor(readonly path: string, options: { create?: boolean } = {}) {
    checkStorePath(path, options.create ?? true);
    try {
      this.db = new Database(path, { fileMustExist: !(options.create ?? true) });
    } catch (error) {
      throw new StoreError(`--store ${path}: ${(error as Error).message}`);
    }
    try {
      this.db.pragma('journal_mode = WAL');
      // FULL: a committed result survives a power cut too, not only a crash of this process.
      this.db.pragma('synchronous = FULL');
      this.db.pragma('busy_timeout = 5000');
      checkSchema(this.db, path);
      allowStoppedStatus(this.db);
      this.db.exec(schema);
      this.db.exec(artifactSchema);
      for (const [table, column, type] of addedColumns) {
        const have = (this.db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).some((c) => c.name === column);
        if (!have) this.db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
      }
    } catch (error) {
      this.db.close();
      if (error instanceof StoreError) throw error;
      // A truncated or damaged file shows here, at its first read.
      throw new StoreError(`--store ${path}: ${(error as Error).message}`);
    }
    this.artifacts = new ArtifactTables(this.db);
  }

  /**
   * Adds the sweep's jobs that are not in the store yet. Jobs of an earlier version of the spec that this one no
   * longer has are retired: kept (with their results) but neither run nor counted nor tabled; a spec that has
   * them again brings them back.
   */
  plan(sweep: string, jobs: readonly PlannedSweepJob[], spec?: string): { added: number; retired: number } {
    const now = new Date().toISOString();
    const insert = this.db.prepare('INSERT OR IGNORE INTO jobs (sweep, id, grp, idx, options, inputs, status, queued_at) VALUES (?, ?, ?, ?, ?, ?, \'queued\', ?)');
    const keep = this.db.prepare('UPDATE jobs SET retired = 0, idx = ? WHERE sweep = ? AND id = ?');
    return this.db.transaction(() => {
      this.ensureSweep(sweep, now);
      this.db.prepare('UPDATE sweeps SET spec = ?, updated_at = ? WHERE name = ?').run(spec ?? null, now, sweep);
      this.db.prepare('UPDATE jobs SET retired = 1 WHERE sweep = ?').run(sweep);
      let added = 0;
      for (const job of jobs) {
        added += insert.run(sweep, job.id, job.group, job.index, JSON.stringify(job.options), job.inputs ? JSON.stringify(job.inputs) : null, now).changes;
        keep.run(job.index, sweep, job.id);
      }
      const retired = (this.db.prepare('SELECT COUNT(*) AS n FROM jobs WHERE sweep = ? AND retired = 1').get(sweep) as { n: number }).n;
      return { added, retired };
    })();
  }

  /**
   * Who this store's sweep is on the bus: its run id (in every message id and subject, so another store's run of
   * the same spec is a different run), the secret its job tickets are made with, and its epoch (bumped when this
   * run takes the sweep over from another store's, whose queue it purged: its own messages must be sent anew).
   */
  identity(sweep: string): SweepIdentity {
    this.ensureSweep(sweep, new Date().toISOString());
    const row = this.db.prepare('SELECT run, secret, epoch FROM sweeps WHERE name = ?').get(sweep) as SweepIdentity | undefined;
    if (!row?.run || !row.secret) throw new StoreError(`sweep ${sweep} is not planned in ${this.path}`);
    return row;
  }

  /** The sweep's row, with a run id and secret (a store of the version before runs had ids gets them now). */
  private ensureSweep(sweep: string, now: string): void {
    const fresh = () => [randomBytes(8).toString('hex'), randomBytes(32).toString('hex')] as const;
    this.db.prepare('INSERT OR IGNORE INTO sweeps (name, created_at, updated_at, run, secret) VALUES (?, ?, ?, ?, ?)').run(sweep, now, now, ...fresh());
    this.db.prepare('UPDATE sweeps SET run = ?, secret = ? WHERE name = ? AND (run IS NULL OR secret IS NULL)').run(...fresh(), sweep);
  }

  /** A new epoch for the sweep's messages (after a takeover); returns it. */
  nextEpoch(sweep: string): number {
    this.db.prepare('UPDATE sweeps SET epoch = epoch + 1 WHERE name = ?').run(sweep);
    return this.identity(sweep).epoch;
  }

  /** A worker started the job (progress seen): only a job that has not ended moves. */
  markRunning(sweep: string, id: string, where: { host: string; lane: string; device: string }, at: string): void {
    this.db
      .prepare("UPDATE jobs SET status = 'running', host = ?, lane = ?, device = ?, started_at = COALESCE(started_at, ?) WHERE sweep = ? AND id = ? AND status IN ('queued', 'running') AND retired = 0")
      .run(where.host, where.lane, where.device, at, sweep, id);
  }

  /**
   * Records a result once: true if it ended the job; false for a duplicate (already ended), an unknown job, or a
   * stale one (an older generation's, arriving after `--retry-failed` queued the job again).
   */
  recordResult(result: ResultMessage): boolean {
    const status: JobStatus = jobStatusOf(result.status);
    const duration = (Date.parse(result.finished_at) - Date.parse(result.started_at)) / 1000;
    const update = this.db.prepare(
      `UPDATE jobs SET status = ?, reason = ?, metrics = ?, attempts = MAX(attempts, ?), host = ?, lane = ?, device = ?,
         started_at = ?, finished_at = ?, duration_s = ?
       WHERE sweep = ? AND id = ? AND status IN ('queued', 'running') AND generation = ? AND retired = 0`,
    );
    // The job's end and its artifact in one commit: a crash leaves both or neither (the parts stay staged).
    return this.db.transaction(() => {
      const ended =
        update.run(status, result.reason ?? null, result.metrics ? JSON.stringify(result.metrics) : null, result.attempt, result.host, result.lane, result.device, result.started_at, result.finished_at, duration, result.sweep, result.job, result.generation ?? 0).changes === 1;
      if (ended) this.artifacts.commit(result, new Date().toISOString());
      else if (result.artifact) this.db.prepare('DELETE FROM artifact_parts WHERE sweep = ? AND job = ? AND artifact = ?').run(result.sweep, result.job, result.artifact.id);
      return ended;
    })();
  }

  /** The queue gave up on a job: failed, unless a result ended it first. */
  recordFailure(failure: FailureMessage): boolean {
    return (
      this.db
        .prepare("UPDATE jobs SET status = 'failed', reason = ?, attempts = MAX(attempts, ?), finished_at = ? WHERE sweep = ? AND id = ? AND status IN ('queued', 'running')")
        .run(failure.reason, failure.attempts, failure.at, failure.sweep, failure.job).changes === 1
    );
  }

  /** Every job not ended yet is failed with the reason (a cancelled sweep); returns how many. */
  cancelUnfinished(sweep: string, reason: string, at: string): number {
    return this.db.prepare("UPDATE jobs SET status = 'failed', reason = ?, finished_at = ? WHERE sweep = ? AND status IN ('queued', 'running') AND retired = 0").run(reason, at, sweep).changes;
  }

  /** Failed jobs go back to the queue under a new generation (a new message id, so the queue takes it). */
  retryFailed(sweep: string): number {
    return this.db.prepare("UPDATE jobs SET status = 'queued', reason = NULL, generation = generation + 1 WHERE sweep = ? AND status = 'failed' AND retired = 0").run(sweep).changes;
  }

  /**
   * An interrupted `sweep run` puts the sweep's running jobs back in the queue (returns how many): no process
   * watches them now, so `running` would be a lie. Same generation: a worker that still finishes one (NATS) has
   * its result taken on resume, as recordResult accepts a queued job. Where and since when are cleared, for the
   * next run's progress to record its own.
   */
  requeueRunning(sweep: string): number {
    return this.db.prepare("UPDATE jobs SET status = 'queued', host = NULL, lane = NULL, device = NULL, started_at = NULL WHERE sweep = ? AND status = 'running' AND retired = 0").run(sweep).changes;
  }

  jobs(sweep?: string): JobRow[] {
    const rows = (sweep === undefined
      ? this.db.prepare('SELECT * FROM jobs WHERE retired = 0 ORDER BY sweep, idx').all()
      : this.db.prepare('SELECT * FROM jobs WHERE sweep = ? AND retired = 0 ORDER BY idx').all(sweep)) as RawRow[];
    return rows.map(toRow);
  }

  unfinished(sweep: string): JobRow[] {
    return (this.db.prepare("SELECT * FROM jobs WHERE sweep = ? AND status IN ('queued', 'running') AND retired = 0 ORDER BY idx").all(sweep) as RawRow[]).map(toRow);
  }

  counts(sweep?: string): Record<JobStatus, number> & { total: number } {
    const rows = (sweep === undefined
      ? this.db.prepare('SELECT status, COUNT(*) AS n FROM jobs WHERE retired = 0 GROUP BY status').all()
      : this.db.prepare('SELECT status, COUNT(*) AS n FROM jobs WHERE sweep = ? AND retired = 0 GROUP BY status').all(sweep)) as Array<{ status: JobStatus; n: number }>;
    const counts = { queued: 0, running: 0, done: 0, failed: 0, diverged: 0, stopped: 0, total: 0 };
    for (const { status, n } of rows) (counts[status] = n), (counts.total += n);
    return counts;
  }

  /** A job's status now (another process may have ended it: `sweep cancel`). */
  statusOf(sweep: string, id: string): JobStatus | undefined {
    return (this.db.prepare('SELECT status FROM jobs WHERE sweep = ? AND id = ?').get(sweep, id) as { status: JobStatus } | undefined)?.status;
  }

  sweeps(): string[] {
    return (this.db.prepare('SELECT name FROM sweeps ORDER BY created_at').all() as Array<{ name: string }>).map((r) => r.name);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
