// The results file of `bench table2`: one JSON object per line, one line per finished job (completed,
// diverged or failed), keyed by the job's stable id. Appending a line is the only write, so a run that is
// killed loses at most the jobs that were still running; a rerun skips every id already in the file.
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { JobConfig } from '../../mollifier/training/job.js';
import type { JobMetrics } from '../../mollifier/metrics/index.js';
import type { ProblemName } from '../../mollifier/pdes/types.js';
import type { ColumnName } from './plan.js';

export type RecordStatus = 'completed' | 'diverged' | 'failed';

export interface HostInfo {
  hostname: string;
  cpu: string;
  cores: number;
  memory_gib: number;
  platform: string;
}

export interface Table2Record {
  id: string;
  label: string;
  problem: ProblemName;
  column: ColumnName;
  model: string;
  derivatives: string;
  seed: number;
  level: { name: string; value: number };
  /** Nodes (langevin) or nodes per axis of the problem's grid. */
  grid: number;
  /** The JobConfig as run (a --param-field path as it was on that machine). */
  config: JobConfig;
  status: RecordStatus;
  reason?: string;
  /** The job ran out of memory (wasm heap, JS heap, or killed by the OS). */
  oom?: boolean;
  timed_out?: boolean;
  metrics: (JobMetrics & { estimate?: string }) | null;
  backend: string | null;
  versions: Record<string, string>;
  /** Wall time of the job's process, s (the training time is metrics.time_s). */
  wall_s: number;
  started_at: string;
  finished_at: string;
  host: HostInfo;
  command: string;
}

export interface ResultsFile {
  /** The last record of each id, in the order the ids first appear. */
  records: Table2Record[];
  /** Lines that did not parse (e.g. cut short by a crash), 1-based. */
  badLines: number[];
}

function isRecord(value: unknown): value is Table2Record {
  const r = value as Partial<Table2Record> | null;
  return Boolean(r && typeof r.id === 'string' && typeof r.problem === 'string' && typeof r.column === 'string' && typeof r.status === 'string');
}

export function parseResults(text: string): ResultsFile {
  const byId = new Map<string, Table2Record>();
  const badLines: number[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      const value: unknown = JSON.parse(line);
      if (!isRecord(value)) throw new Error('not a record');
      byId.delete(value.id);
      byId.set(value.id, value);
    } catch {
      badLines.push(index + 1);
    }
  });
  return { records: [...byId.values()], badLines };
}

export function readResults(path: string): ResultsFile {
  return existsSync(path) ? parseResults(readFileSync(path, 'utf8')) : { records: [], badLines: [] };
}

/** Append one record as one line; a previous line cut short (no trailing newline) is closed first. */
export function appendRecord(path: string, record: Table2Record): void {
  mkdirSync(dirname(path), { recursive: true });
  let prefix = '';
  if (existsSync(path)) {
    const size = statSync(path).size;
    if (size > 0) {
      const fd = openSync(path, 'r');
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, size - 1);
      closeSync(fd);
      if (last[0] !== 0x0a) prefix = '\n';
    }
  }
  appendFileSync(path, `${prefix}${JSON.stringify(record)}\n`);
}
