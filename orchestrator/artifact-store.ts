// Artifacts in the results store (store.ts owns the file): parts are staged as they arrive, committed before
// they are acked, so a crash between a part and its result loses nothing; the result's commit assembles them.
// Arrays are kept content-addressed (sha256 of their float32 bytes, deflated), so a truth shared by every
// configuration of a seed is stored once. The tables and what bounds them are described in the README.
import type Database from 'better-sqlite3';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { decodeArtifact, type ArtifactContent, type ArtifactGrid, type ArtifactMessage, type ArtifactWeights, type ResultMessage } from '../protocol/index.js';

export const artifactSchema = `
CREATE TABLE IF NOT EXISTS artifact_parts (
  sweep TEXT NOT NULL,
  job TEXT NOT NULL,
  artifact TEXT NOT NULL,
  part INTEGER NOT NULL,
  parts INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (sweep, job, artifact, part)
);
CREATE TABLE IF NOT EXISTS artifacts (
  sweep TEXT NOT NULL,
  job TEXT NOT NULL,
  generation INTEGER NOT NULL,
  grid TEXT,
  parameter_name TEXT,
  wire_bytes INTEGER,
  problem TEXT,
  weights TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (sweep, job)
);
CREATE TABLE IF NOT EXISTS artifact_arrays (
  sweep TEXT NOT NULL,
  job TEXT NOT NULL,
  name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  PRIMARY KEY (sweep, job, name)
);
CREATE INDEX IF NOT EXISTS artifact_arrays_sha ON artifact_arrays (sha256);
CREATE TABLE IF NOT EXISTS blobs (
  sha256 TEXT PRIMARY KEY,
  length INTEGER NOT NULL,
  data BLOB NOT NULL
);
`;

/** The artifact tables and the columns a store of this version must have (store.ts checks a file against them). */
export const artifactTables = {
  artifact_parts: ['sweep', 'job', 'artifact', 'part', 'parts', 'data'],
  artifacts: ['sweep', 'job', 'generation', 'grid', 'parameter_name', 'problem'],
  artifact_arrays: ['sweep', 'job', 'name', 'sha256'],
  blobs: ['sha256', 'length', 'data'],
} as const;

/** A stored artifact as the report reads it. */
export interface StoredArtifact extends ArtifactContent {
  job: string;
}

const historyColumns = ['epoch', 'loss', 'data', 'pde'] as const;
/** The weights' values among a job's stored arrays (not a grid array: read() leaves it out). */
const weightsName = 'weights';

export class ArtifactTables {
  constructor(private readonly db: Database.Database) {}

  /**
   * Keeps a part of a job that is still waiting for its result in this generation; a part of an ended job or of
   * an older generation (a late duplicate) is dropped: no result will come to collect it.
   */
  stage(part: ArtifactMessage): boolean {
    const live = this.db.prepare("SELECT 1 FROM jobs WHERE sweep = ? AND id = ? AND generation = ? AND status IN ('queued', 'running') AND retired = 0").get(part.sweep, part.job, part.generation);
    if (!live) return false;
    this.db
      .prepare('INSERT OR IGNORE INTO artifact_parts (sweep, job, artifact, part, parts, data) VALUES (?, ?, ?, ?, ?, ?)')
      .run(part.sweep, part.job, part.artifact, part.part, part.parts, Buffer.from(part.data, 'base64'));
    return true;
  }

  /**
   * Inside the result's transaction: assembles the artifact the result names, stores its arrays, and drops every
   * staged part of the job (of this try and of tries that died). A missing or damaged artifact is recorded as a
   * problem beside the job; the result itself is never refused for it.
   */
  commit(result: ResultMessage, now: string): void {
    const { sweep, job } = result;
    const generation = result.generation ?? 0;
    this.remove(sweep, job);
    if (result.artifact) {
      let problem: string | null = null;
      let content: ArtifactContent | null = null;
      const ref = result.artifact;
      const rows = this.db.prepare('SELECT part, data FROM artifact_parts WHERE sweep = ? AND job = ? AND artifact = ? ORDER BY part').all(sweep, job, ref.id) as Array<{ part: number; data: Buffer }>;
      if (rows.length !== ref.parts) problem = `artifact ${ref.id}: ${rows.length} of its ${ref.parts} parts arrived`;
      else {
        const bytes = Buffer.concat(rows.map((r) => r.data));
        const sha = createHash('sha256').update(bytes).digest('hex');
        if (bytes.length !== ref.bytes || sha !== ref.sha256) problem = `artifact ${ref.id}: ${bytes.length} bytes with sha256 ${sha.slice(0, 12)}…, not the ${ref.bytes} bytes its result names`;
        else {
          try {
            content = decodeArtifact(bytes);
          } catch (error) {
            problem = `artifact ${ref.id}: ${(error as Error).message}`;
          }
        }
      }
      // The weights' manifest beside the row; their values are a blob like the arrays (linked as `weights`).
      const weights = content?.weights ? JSON.stringify({ model: content.weights.model, specs: content.weights.specs }) : null;
      this.db
        .prepare('INSERT INTO artifacts (sweep, job, generation, grid, parameter_name, wire_bytes, problem, weights, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(sweep, job, generation, content ? JSON.stringify(content.grid) : null, content?.parameter_name ?? null, ref.bytes, problem, weights, now);
      if (content) this.writeArrays(sweep, job, content);
    }
    this.db.prepare('DELETE FROM artifact_parts WHERE sweep = ? AND job = ?').run(sweep, job);
  }

  private writeArrays(sweep: string, job: string, content: ArtifactContent): void {
    const arrays: Array<[string, Float32Array]> = Object.entries(content.arrays);
    if (content.history) for (const column of historyColumns) arrays.push([`history.${column}`, content.history[column]]);
    if (content.weights) {
      const data = content.weights.data;
      arrays.push([weightsName, new Float32Array(data.slice().buffer, 0, data.length / 4)]);
    }
    const blob = this.db.prepare('INSERT OR IGNORE INTO blobs (sha256, length, data) VALUES (?, ?, ?)');
    const link = this.db.prepare('INSERT INTO artifact_arrays (sweep, job, name, sha256) VALUES (?, ?, ?, ?)');
    for (const [name, values] of arrays) {
      const raw = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
      const sha = createHash('sha256').update(raw).digest('hex');
      blob.run(sha, values.length, deflateRawSync(raw));
      link.run(sweep, job, name, sha);
    }
  }

  /** A job's artifact and its arrays go (a new result replaces them); blobs no artifact uses any more with them. */
  remove(sweep: string, job: string): void {
    const shas = (this.db.prepare('SELECT sha256 FROM artifact_arrays WHERE sweep = ? AND job = ?').all(sweep, job) as Array<{ sha256: string }>).map((r) => r.sha256);
    this.db.prepare('DELETE FROM artifact_arrays WHERE sweep = ? AND job = ?').run(sweep, job);
    this.db.prepare('DELETE FROM artifacts WHERE sweep = ? AND job = ?').run(sweep, job);
    const orphan = this.db.prepare('DELETE FROM blobs WHERE sha256 = ? AND NOT EXISTS (SELECT 1 FROM artifact_arrays WHERE sha256 = ?)');
    for (const sha of new Set(shas)) orphan.run(sha, sha);
  }

  /** Parts still staged for a sweep (a sweep that ended with some left: tries that died). */
  dropStaged(sweep: string): number {
    return this.db.prepare('DELETE FROM artifact_parts WHERE sweep = ?').run(sweep).changes;
  }

  /** Why a job's artifact is missing or damaged; null when it is stored or none was sent. */
  problem(sweep: string, job: string): string | null {
    return (this.db.prepare('SELECT problem FROM artifacts WHERE sweep = ? AND job = ?').get(sweep, job) as { problem: string | null } | undefined)?.problem ?? null;
  }

  /** A job's stored artifact, or null (none sent, or missing: see problem()). */
  read(sweep: string, job: string): StoredArtifact | null {
    const row = this.db.prepare('SELECT grid, parameter_name FROM artifacts WHERE sweep = ? AND job = ? AND problem IS NULL').get(sweep, job) as { grid: string; parameter_name: string } | undefined;
    if (!row) return null;
    const arrays: Record<string, Float32Array> = {};
    const rows = this.db.prepare('SELECT a.name AS name, b.data AS data, b.length AS length FROM artifact_arrays a JOIN blobs b ON a.sha256 = b.sha256 WHERE a.sweep = ? AND a.job = ?').all(sweep, job) as Array<{ name: string; data: Buffer; length: number }>;
    for (const { name, data, length } of rows) {
      const raw = new Uint8Array(inflateRawSync(data));
      arrays[name] = new Float32Array(raw.buffer, raw.byteOffset, length);
    }
    const history = arrays['history.epoch'] ? Object.fromEntries(historyColumns.map((c) => [c, arrays[`history.${c}`] ?? new Float32Array(0)])) as NonNullable<ArtifactContent['history']> : null;
    for (const column of historyColumns) delete arrays[`history.${column}`];
    delete arrays[weightsName];
    return { job, grid: JSON.parse(row.grid) as ArtifactGrid, parameter_name: row.parameter_name, arrays, history };
  }

  /** The loss history of every job of the sweep that has one: only those arrays are read (not the fields). */
  histories(sweep: string): Map<string, NonNullable<ArtifactContent['history']>> {
    const rows = this.db
      .prepare(
        `SELECT a.job AS job, a.name AS name, b.data AS data, b.length AS length FROM artifact_arrays a
         JOIN blobs b ON a.sha256 = b.sha256 JOIN artifacts r ON r.sweep = a.sweep AND r.job = a.job AND r.problem IS NULL
         WHERE a.sweep = ? AND a.name LIKE 'history.%'`,
      )
      .all(sweep) as Array<{ job: string; name: string; data: Buffer; length: number }>;
    const columns = new Map<string, Record<string, Float32Array>>();
    for (const { job, name, data, length } of rows) {
      const raw = new Uint8Array(inflateRawSync(data));
      columns.set(job, { ...columns.get(job), [name.slice('history.'.length)]: new Float32Array(raw.buffer, raw.byteOffset, length) });
    }
    const histories = new Map<string, NonNullable<ArtifactContent['history']>>();
    for (const [job, c] of columns) if (c.epoch && c.loss && c.data && c.pde) histories.set(job, { epoch: c.epoch, loss: c.loss, data: c.data, pde: c.pde });
    return histories;
  }

  /** A job's final weights (a sweep with `keep-weights`), or null. */
  weights(sweep: string, job: string): ArtifactWeights | null {
    const row = this.db.prepare('SELECT weights FROM artifacts WHERE sweep = ? AND job = ? AND problem IS NULL AND weights IS NOT NULL').get(sweep, job) as { weights: string } | undefined;
    if (!row) return null;
    const blob = this.db.prepare('SELECT b.data AS data FROM artifact_arrays a JOIN blobs b ON a.sha256 = b.sha256 WHERE a.sweep = ? AND a.job = ? AND a.name = ?').get(sweep, job, weightsName) as { data: Buffer } | undefined;
    if (!blob) return null;
    const manifest = JSON.parse(row.weights) as Omit<ArtifactWeights, 'data'>;
    return { ...manifest, data: new Uint8Array(inflateRawSync(blob.data)) };
  }

  /** Jobs of a sweep with a stored artifact. */
  jobsWithArtifacts(sweep: string): Set<string> {
    return new Set((this.db.prepare('SELECT job FROM artifacts WHERE sweep = ? AND problem IS NULL').all(sweep) as Array<{ job: string }>).map((r) => r.job));
  }

  /** Bytes the artifacts take: the deflated blobs, and the staged parts waiting for their results. */
  size(): { blobs: number; blobBytes: number; stagedBytes: number; artifacts: number } {
    const blobs = this.db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(LENGTH(data)), 0) AS bytes FROM blobs').get() as { n: number; bytes: number };
    const staged = this.db.prepare('SELECT COALESCE(SUM(LENGTH(data)), 0) AS bytes FROM artifact_parts').get() as { bytes: number };
    const artifacts = this.db.prepare('SELECT COUNT(*) AS n FROM artifacts WHERE problem IS NULL').get() as { n: number };
    return { blobs: blobs.n, blobBytes: blobs.bytes, stagedBytes: staged.bytes, artifacts: artifacts.n };
  }
}
