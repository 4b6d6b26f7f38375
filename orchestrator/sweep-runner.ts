// Runs one sweep to its end: plans the jobs into the store, enqueues the unfinished ones, and records every
// result (committed before it is acked) until no job is queued or running. Resuming is the same call.
import { hostname } from 'node:os';
import type { FailureMessage, HeartbeatMessage, JobMessage, JobStatus, OrchestratorTransport, ProgressMessage, ResultMessage, SweepHolder } from '../protocol/index.js';
import { jobStatusOf, protocolVersion } from '../protocol/index.js';
import type { SweepSpec } from './spec.js';
import type { ResultStore } from './store.js';
import { configLabelsOf, type SweepMetrics } from './metrics.js';
import { ticketMatches, ticketOf } from './tickets.js';
import { EarlyStopper } from './early-stopper.js';

export interface SweepLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface SweepUpdate {
  total: number;
  done: number;
  failed: number;
  diverged: number;
  /** Stopped early by the spec's early-stop rule. */
  stopped: number;
  running: number;
  queued: number;
}

export interface EndedJob {
  id: string;
  group: string;
  status: Exclude<JobStatus, 'queued' | 'running'>;
  /** Start to result on the worker; null for a job the queue gave up on or that was cancelled. */
  duration_s: number | null;
}

export interface RunSweepOptions {
  spec: SweepSpec;
  specText?: string;
  store: ResultStore;
  transport: OrchestratorTransport;
  log: SweepLog;
  onUpdate?: (update: SweepUpdate) => void;
  onProgress?: (progress: ProgressMessage) => void;
  onHeartbeat?: (heartbeat: HeartbeatMessage) => void;
  /** A job ended in this run and is in the store: what a per-group ETA (eta.ts) learns from. */
  onJobEnded?: (job: EndedJob) => void;
  /** Ends the wait early (SIGINT): resolves the run with `interrupted`. */
  signal?: AbortSignal;
  /** Run the failed jobs again (a new generation each). */
  retryFailed?: boolean;
  /** Prometheus metrics to keep up to date. */
  metrics?: SweepMetrics;
  /** After a cancel, how long running jobs get to report their stop before they are recorded failed (default 30 s). */
  cancelGraceMs?: number;
}

export interface SweepOutcome {
  interrupted: boolean;
  /** The sweep was cancelled (`sweep cancel`): its unfinished jobs are failed with the reason. */
  cancelled: boolean;
  /** Jobs that ended in this run. */
  ended: number;
  /** Jobs that had already ended in the store (not run again). */
  skipped: number;
  duplicates: number;
  /** Results refused: not of this run, or without the ticket of the job they name (never handed to a worker). */
  refused: number;
  /** Another orchestrator took the sweep while this one had lost contact with the server: this one stopped. */
  lostTo: SweepHolder | null;
  counts: ReturnType<ResultStore['counts']>;
}

export async function runSweep(options: RunSweepOptions): Promise<SweepOutcome> {
  const { spec, store, transport, log } = options;
  const sweep = spec.name;
  // The sweep is taken before the store is touched: a refused rival (same store or another) changes nothing.
  let { run, secret, epoch } = store.identity(sweep);
  const holder: SweepHolder = { run, host: hostname(), pid: process.pid, store: store.path, since: new Date().toISOString() };
  const lease = await transport.claim(sweep, holder, (held, waitMs) =>
    log.warn({ holder: held }, `sweep ${sweep} is held by an orchestrator on ${held.host} (pid ${held.pid}) that has not renewed yet: waiting up to ${waitMs / 1000} s for its lease to lapse`),
  );
  try {
    if (lease.tookOverFrom) {
      epoch = store.nextEpoch(sweep);
      const from = lease.tookOverFrom;
      log.warn({ previous: from }, `sweep ${sweep} was last run from another store (${from.store} on ${from.host}): its queued jobs were dropped; this store's unfinished jobs are sent again`);
    }
    return await runHeld(options, { run, secret, epoch }, lease.lost);
  } finally {
    await lease.release();
  }
}

async function runHeld(options: RunSweepOptions, identity: { run: string; secret: string; epoch: number }, lost: Promise<SweepHolder>): Promise<SweepOutcome> {
  const { spec, store, transport, log } = options;
  const sweep = spec.name;
  const { run, secret, epoch } = identity;
  const { added, retired } = store.plan(sweep, spec.jobs, options.specText);
  if (retired) log.warn({ jobs: retired }, `${retired} job${retired === 1 ? '' : 's'} of an earlier version of the spec ${retired === 1 ? 'is' : 'are'} not in it any more: not run, not counted, not tabled (kept in the store; a spec that has them again brings them back)`);
  if (options.retryFailed) {
    const again = store.retryFailed(sweep);
    if (again) log.info({ jobs: again }, `${again} failed jobs queued again`);
  }
  const unfinished = store.unfinished(sweep);
  const skipped = store.counts(sweep).total - unfinished.length;
  log.info({ jobs: spec.jobs.length, new: added, unfinished: unfinished.length, skipped, run }, `sweep ${sweep}: ${spec.jobs.length} jobs, ${unfinished.length} to run, ${skipped} already ended`);
  /** Why a result cannot be real, or null: of another run, or without its job's ticket. */
  const forged = (result: Pick<ResultMessage, 'run' | 'job' | 'generation' | 'ticket'>): string | null => {
    if (result.run !== run) return `of run ${result.run}, not this store's ${run}`;
    return ticketMatches(ticketOf(secret, sweep, run, result.job, result.generation ?? 0), result.ticket) ? null : 'its ticket is not the one its job was sent with';
  };

  let ended = 0;
  let duplicates = 0;
  let refused = 0;
  let lostTo: SweepHolder | null = null;
  // Counts kept here, not queried per event: the store is written once per result and read at the ends.
  const counts = store.counts(sweep);
  const state = new Map(unfinished.map((job) => [job.id, job.status]));
  const optionsOf = new Map(unfinished.map((job) => [job.id, job.options]));
  const groupOf = new Map(unfinished.map((job) => [job.id, job.group]));
  const metrics = options.metrics;
  if (metrics) {
    // A resumed sweep's dashboards start from everything the store holds, not from this run alone.
    for (const row of store.jobs(sweep)) if (row.status === 'done') metrics.jobMetrics(configLabelsOf(sweep, row.options), row.metrics);
  }
  const update = () => {
    metrics?.counts(sweep, counts);
    // The time left is the console's to estimate, per configuration group (eta.ts), from onJobEnded.
    options.onUpdate?.({ total: counts.total, done: counts.done, failed: counts.failed, diverged: counts.diverged, stopped: counts.stopped, running: counts.running, queued: counts.queued });
  };
  const move = (id: string, to: 'running' | 'done' | 'failed' | 'diverged' | 'stopped') => {
    const from = state.get(id);
    if (from === undefined || from === to) return;
    counts[from]--;
    counts[to]++;
    if (to === 'running') state.set(id, to);
    else state.delete(id);
  };
  const remaining = () => state.size;
  /** A failure (a give-up or a cancel) into the store; false when the job had already ended. */
  const recordFailed = (failure: FailureMessage): boolean => {
    if (!store.recordFailure(failure)) {
      followStore(failure.job);
      return false;
    }
    ended++;
    move(failure.job, 'failed');
    options.onJobEnded?.({ id: failure.job, group: groupOf.get(failure.job) ?? '', status: 'failed', duration_s: null });
    metrics?.failure(sweep);
    return true;
  };
  // The store said no to a write: another process may have ended the job (`sweep cancel`); follow the store.
  const followStore = (id: string) => {
    const now = store.statusOf(sweep, id);
    if (now === 'done' || now === 'failed' || now === 'diverged' || now === 'stopped') move(id, now);
  };
  // Early stopping compares each running job with the others, those that ended before this run included.
  const earlyStop = spec.earlyStop
    ? new EarlyStopper(spec.earlyStop, sweep, transport, log, [...store.artifacts.histories(sweep)].filter(([job]) => store.statusOf(sweep, job) === 'done'))
    : undefined;
  const stopProgress = transport.onProgress(sweep, (progress) => {
    if (state.get(progress.job) === 'queued') {
      store.markRunning(sweep, progress.job, progress, progress.at);
      log.info({ job: progress.job, host: progress.host, lane: progress.lane }, `job ${progress.job} started on ${progress.host}/${progress.lane}`);
      move(progress.job, 'running');
      update();
    }
    options.onProgress?.(progress);
    if (earlyStop && state.get(progress.job) === 'running') earlyStop.consider(progress);
  });
  const stopHeartbeat =
    options.onHeartbeat || metrics
      ? transport.onHeartbeat((heartbeat) => {
          metrics?.heartbeat(heartbeat);
          options.onHeartbeat?.(heartbeat);
        })
      : () => undefined;

  // A cancel (from `sweep cancel`, any process): queued jobs end now; running ones when their worker reports
  // the stop, or at the grace deadline for a worker that missed the cancel.
  let cancelled = false;
  let cancelDeadline: () => void = () => undefined;
  const cancelGrace = new Promise<'cancel-grace'>((resolve) => (cancelDeadline = () => resolve('cancel-grace')));
  const stopCancel = transport.onCancel(sweep, (cancel) => {
    // A stop of one job (early stopping) is not a cancel of the sweep.
    if (cancelled || cancel.job !== undefined) return;
    cancelled = true;
    const reason = `cancelled: ${cancel.reason}`;
    for (const [id, status] of [...state]) {
      if (status === 'queued') recordFailed({ v: protocolVersion, type: 'failure', sweep, job: id, reason, attempts: 0, at: cancel.at });
    }
    log.warn({ running: remaining(), reason: cancel.reason }, `sweep ${sweep} cancelled; waiting for ${remaining()} running jobs to stop`);
    update();
    setTimeout(cancelDeadline, options.cancelGraceMs ?? 30_000).unref();
  });

  const events = transport.events(sweep, run)[Symbol.asyncIterator]();
  const lostLease = lost.then((holder) => ({ lost: holder }) as const);
  let interrupted = false;
  try {
    for (const job of unfinished) {
      const message: JobMessage = {
        v: protocolVersion, type: 'job', sweep, run, id: job.id, group: job.group, ticket: ticketOf(secret, sweep, run, job.id, job.generation), options: job.options,
        ...(job.inputs ? { inputs: job.inputs as JobMessage['inputs'] } : {}), generation: job.generation,
        ...(spec.timeoutMinutes !== undefined ? { timeout_s: spec.timeoutMinutes * 60 } : {}),
        ...(spec.keepWeights ? { keep_weights: true } : {}),
        enqueued_at: new Date().toISOString(),
      };
      await transport.enqueue(message, epoch);
    }
    update();
    const aborted = new Promise<'aborted'>((resolve) => {
      if (options.signal?.aborted) resolve('aborted');
      options.signal?.addEventListener('abort', () => resolve('aborted'), { once: true });
    });
    while (remaining() > 0) {
      const next = await Promise.race([events.next(), aborted, cancelGrace, lostLease]);
      if (next === 'aborted') {
        interrupted = true;
        break;
      }
      if (typeof next === 'object' && 'lost' in next) {
        lostTo = next.lost;
        log.error({ holder: next.lost }, `sweep ${sweep} was taken over by an orchestrator on ${next.lost.host} (pid ${next.lost.pid}) while this one had lost contact with the server: stopping`);
        break;
      }
      if (next === 'cancel-grace') {
        const left = store.cancelUnfinished(sweep, 'cancelled: its worker did not report the stop in time', new Date().toISOString());
        log.warn({ jobs: left }, `${left} jobs recorded cancelled without word from their workers`);
        break;
      }
      if (next.done) break;
      const event = next.value;
      if (event.kind === 'result') {
        const result = event.delivery.value;
        const why = forged(result);
        if (why) {
          refused++;
          log.warn({ job: result.job, host: result.host, lane: result.lane }, `refused a result for job ${result.job} from ${result.host}/${result.lane}: ${why}`);
        } else if (store.recordResult(result)) {
          ended++;
          move(result.job, jobStatusOf(result.status));
          const seconds = (Date.parse(result.finished_at) - Date.parse(result.started_at)) / 1000;
          options.onJobEnded?.({ id: result.job, group: groupOf.get(result.job) ?? '', status: jobStatusOf(result.status), duration_s: Number.isFinite(seconds) ? seconds : null });
          const jobOptions = optionsOf.get(result.job);
          if (metrics && jobOptions) metrics.result(result, jobOptions);
          // A failure is worth a look (the console shows warnings above its lines); the rest go to the log.
          const level = result.status === 'failed' || result.status === 'diverged' ? 'warn' : 'info';
          log[level]({ job: result.job, status: result.status, host: result.host, lane: result.lane, attempt: result.attempt, ...(result.reason ? { reason: result.reason } : {}) }, `job ${result.job} ${result.status}${result.reason ? `: ${result.reason}` : ''}`);
          const problem = result.artifact ? store.artifacts.problem(sweep, result.job) : null;
          if (problem) log.warn({ job: result.job }, `job ${result.job}: its result is kept without its fields and loss history: ${problem}`);
        } else {
          duplicates++;
          followStore(result.job);
        }
        // Committed (or already there): only now may the message go.
        await event.delivery.ack();
      } else if (event.kind === 'artifact') {
        const part = event.delivery.value;
        const why = forged(part);
        if (why) {
          refused++;
          log.warn({ job: part.job, host: part.host }, `refused an artifact part for job ${part.job} from ${part.host}: ${why}`);
        } else store.artifacts.stage(part);
        await event.delivery.ack();
        // A part changes no count.
        continue;
      } else {
        const failure = event.delivery.value;
        if (recordFailed(failure)) log.warn({ job: failure.job, reason: failure.reason }, `job ${failure.job} failed: ${failure.reason}`);
        await event.delivery.ack();
      }
      update();
    }
    // Parts whose result never came (their try died; the job ended through another): nothing will collect them.
    if (remaining() === 0) store.artifacts.dropStaged(sweep);
  } finally {
    stopProgress();
    stopHeartbeat();
    stopCancel();
  }
  return { interrupted, cancelled, ended, skipped, duplicates, refused, lostTo, counts: store.counts(sweep) };
}
