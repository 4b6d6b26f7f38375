// Runs a Table 2 plan: each job in its own process (fork of child.js), at most `parallel` at a time, each
// with a timeout. Every finished job — completed, diverged, crashed or timed out — becomes one line of the
// results file at once; jobs already in the file are skipped, so a run can stop anywhere and resume.
import { fork } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, hostname, totalmem, platform, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JobMetrics } from '../../mollifier/metrics/index.js';
import type { PlannedJob, Table2Plan } from './plan.js';
import { appendRecord, readResults, type HostInfo, type Table2Record } from './results.js';
import type { ChildBackendMessage, ChildResultMessage } from './child.js';

const childEntry = fileURLToPath(new URL('./child.js', import.meta.url));
const outOfMemory = /out of memory|Aborted\(|memory access out of bounds|allocation failed|heap limit|Cannot enlarge memory|OOM/i;

export interface RunTable2Options {
  results: string;
  /** Jobs at a time (default 2). */
  parallel?: number;
  /** A fixed per-job timeout, s; default max(120, 3 × the job's estimate + 60). */
  timeoutSeconds?: number;
  /** Run again the ids whose last record is 'failed'. */
  retryFailed?: boolean;
  /** The command line, stored with each record. */
  command: string;
  log: (line: string) => void;
}

export interface RunTable2Summary {
  planned: number;
  skipped: number;
  ran: number;
  failed: number;
  wallSeconds: number;
}

export function hostInfo(): HostInfo {
  const cpu = cpus();
  return {
    hostname: hostname(),
    cpu: cpu[0]?.model.trim() ?? 'unknown CPU',
    cores: cpu.length,
    memory_gib: Math.round(totalmem() / 2 ** 30),
    platform: `${platform()} ${release()}`,
  };
}

interface ChildOutcome {
  status: Table2Record['status'];
  reason?: string;
  oom?: boolean;
  timedOut?: boolean;
  metrics: Table2Record['metrics'];
  backend: string | null;
  versions?: Record<string, string>;
  wallSeconds: number;
}

export function jobTimeoutSeconds(job: Pick<PlannedJob, 'estimateSeconds'>, fixed?: number): number {
  return fixed ?? Math.max(120, Math.ceil(3 * job.estimateSeconds + 60));
}

function runChild(job: PlannedJob, timeoutSeconds: number): Promise<ChildOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = fork(childEntry, [JSON.stringify(job.config)], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      execArgv: ['--max-old-space-size=8192'],
      env: { ...process.env, MOLLIFIER_LOG_LEVEL: 'error' },
    });
    let result: ChildResultMessage | undefined;
    let backend: string | null = null;
    let versions: Record<string, string> | undefined;
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutSeconds * 1000);
    child.stderr!.on('data', (chunk) => (stderr = (stderr + chunk).slice(-8000)));
    child.on('message', (m: ChildBackendMessage | ChildResultMessage) => {
      if (m.type === 'backend') [backend, versions] = [m.backend, m.versions];
      else result = m;
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const wallSeconds = (performance.now() - started) / 1000;
      const known = versions ? { versions } : {};
      if (result) {
        const oom = result.status === 'failed' && outOfMemory.test(`${result.reason ?? ''}\n${stderr}`);
        return resolve({
          status: result.status,
          ...(result.reason ? { reason: result.reason } : {}),
          ...(oom ? { oom } : {}),
          metrics: result.metrics as Table2Record['metrics'],
          backend: backend ?? (result.metrics as JobMetrics | null)?.backend ?? null,
          ...known,
          wallSeconds,
        });
      }
      if (timedOut) return resolve({ status: 'failed', reason: `timed out after ${timeoutSeconds} s`, timedOut: true, metrics: null, backend, ...known, wallSeconds });
      const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('at ') && !l.startsWith('{"level"') && !/^\^+$/.test(l) && !l.startsWith('Node.js'));
      const oom = outOfMemory.test(stderr) || signal === 'SIGABRT' || signal === 'SIGKILL';
      const last = lines.slice(-2).join(' | ');
      resolve({ status: 'failed', reason: `${oom ? 'out of memory: ' : ''}exit ${code ?? signal}: ${last}`.slice(0, 400), ...(oom ? { oom } : {}), metrics: null, backend, ...known, wallSeconds });
    });
  });
}

/** Write the --param-field files the jobs need (atomically; unchanged files are left alone). */
function writeFields(jobs: readonly PlannedJob[]): void {
  const seen = new Set<string>();
  for (const job of jobs) {
    if (!job.field || !job.config.paramField || seen.has(job.config.paramField)) continue;
    const path = job.config.paramField;
    seen.add(path);
    if (existsSync(path) && readFileSync(path, 'utf8') === job.field.text) continue;
    mkdirSync(dirname(path), { recursive: true });
    const temporary = join(dirname(path), `.${job.field.name}.tmp-${process.pid}`);
    writeFileSync(temporary, job.field.text);
    renameSync(temporary, path);
  }
}

const minutes = (s: number) => (s >= 90 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(0)} s`);

function outcomeLine(job: PlannedJob, record: Table2Record): string {
  const m = record.metrics;
  if (record.status !== 'completed' || !m) return `${record.status}: ${record.reason ?? ''}`;
  const corr = m.param_corr === null ? 'n/a' : m.param_corr.toFixed(3);
  const mean = m.param_mean === null ? 'n/a' : m.param_mean.toPrecision(3);
  return `completed: train ${m.time_s?.toFixed(1) ?? '?'} s, corr ${corr}, mean ${mean} (true ${m.param_true_mean?.toPrecision(3) ?? 'n/a'})${job.problem === 'langevin' ? '' : `, laplacian corr ${m.laplacian_corr?.toFixed(3) ?? 'n/a'}`}`;
}

export async function runTable2(plan: Table2Plan, options: RunTable2Options): Promise<RunTable2Summary> {
  const parallel = Math.max(1, options.parallel ?? 2);
  const existing = readResults(options.results);
  if (existing.badLines.length) options.log(`${options.results}: ignoring ${existing.badLines.length} unreadable line(s): ${existing.badLines.slice(0, 5).join(', ')}`);
  const finished = new Map(existing.records.map((r) => [r.id, r.status]));
  const pending = plan.jobs.filter((job) => {
    const status = finished.get(job.id);
    return status === undefined || (options.retryFailed && status === 'failed');
  });
  const skipped = plan.jobs.length - pending.length;
  const total = pending.length;
  options.log(`table2: ${plan.jobs.length} jobs planned, ${skipped} already in ${options.results}, ${total} to run, ${parallel} at a time`);
  if (total === 0) return { planned: plan.jobs.length, skipped, ran: 0, failed: 0, wallSeconds: 0 };
  writeFields(pending);
  const host = hostInfo();
  const started = performance.now();
  const running = new Map<string, { job: PlannedJob; since: number }>();
  let done = 0;
  let failed = 0;
  // ETA: the remaining estimates, scaled by how the finished jobs compared with theirs.
  let estimatedDone = 0;
  let actualDone = 0;
  const eta = (): string => {
    const factor = estimatedDone > 0 ? Math.min(4, Math.max(0.25, actualDone / estimatedDone)) : 1;
    const now = performance.now();
    let remaining = 0;
    for (const job of queue) remaining += job.estimateSeconds;
    for (const { job, since } of running.values()) remaining += Math.max(0, job.estimateSeconds - (now - since) / 1000 / factor);
    return minutes((remaining * factor) / parallel);
  };
  const queue = [...pending];
  const runOne = async (job: PlannedJob): Promise<void> => {
    const timeout = jobTimeoutSeconds(job, options.timeoutSeconds);
    const startedAt = new Date();
    running.set(job.id, { job, since: performance.now() });
    options.log(`start ${job.label} (${job.column}, id ${job.id}, timeout ${timeout} s)`);
    const outcome = await runChild(job, timeout);
    running.delete(job.id);
    const record: Table2Record = {
      id: job.id,
      label: job.label,
      problem: job.problem,
      column: job.column,
      model: job.config.model,
      derivatives: job.config.derivatives,
      seed: job.seed,
      level: job.level,
      grid: job.grid,
      config: job.config,
      status: outcome.status,
      ...(outcome.reason ? { reason: outcome.reason } : {}),
      ...(outcome.oom ? { oom: true } : {}),
      ...(outcome.timedOut ? { timed_out: true } : {}),
      metrics: outcome.metrics,
      backend: outcome.backend,
      versions: outcome.metrics?.versions ?? outcome.versions ?? { node: process.version },
      wall_s: Math.round(outcome.wallSeconds * 1000) / 1000,
      started_at: startedAt.toISOString(),
      finished_at: new Date().toISOString(),
      host,
      command: options.command,
    };
    appendRecord(options.results, record);
    done++;
    if (record.status === 'failed') failed++;
    estimatedDone += job.estimateSeconds;
    actualDone += outcome.wallSeconds;
    options.log(`[${done}/${total} done, ${failed} failed, ${running.size} running, ETA ${eta()}] ${job.label}: ${outcomeLine(job, record)} (${outcome.wallSeconds.toFixed(1)} s)`);
  };
  await Promise.all(
    Array.from({ length: Math.min(parallel, total) }, async () => {
      for (let job = queue.shift(); job; job = queue.shift()) await runOne(job);
    }),
  );
  const wallSeconds = (performance.now() - started) / 1000;
  options.log(`table2: ran ${done} jobs (${failed} failed) in ${minutes(wallSeconds)}`);
  return { planned: plan.jobs.length, skipped, ran: done, failed, wallSeconds };
}
