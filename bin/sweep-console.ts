// `sweep run`'s console. On a terminal: a total line and one line per lane (its job, epoch, loss and ETA),
// redrawn in place by cli-progress's MultiBar (already the dependency that drew the old single bar, and it can
// print lines above its bars: `log`), with the log going to a file and only warnings and errors shown above the
// bars. Off a terminal (CI, a pipe): a progress line every `progressEvery` seconds. The ETA is orchestrator/eta.ts's,
// per configuration group.
import { writeSync } from 'node:fs';
import { MultiBar, type SingleBar } from 'cli-progress';
import type { HeartbeatMessage, JobOptions, ProgressMessage } from '../protocol/index.js';
import type { PlannedSweepJob } from '../orchestrator/spec.js';
import type { EndedJob, SweepUpdate } from '../orchestrator/sweep-runner.js';
import { columnName } from '../orchestrator/table.js';
import { sweepEta } from '../orchestrator/eta.js';

/** "45 s", "4.2 min", "2.5 h"; "?" when unknown. */
export function formatSeconds(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '?';
  if (seconds < 90) return `${Math.max(0, Math.round(seconds))} s`;
  return seconds < 90 * 60 ? `${(seconds / 60).toFixed(1)} min` : `${(seconds / 3600).toFixed(1)} h`;
}

/** 3 significant digits; exponent form outside [0.01, 10⁴): "2.13e-3". */
export function formatLoss(loss: number | null): string {
  if (loss === null || !Number.isFinite(loss)) return '—';
  const size = Math.abs(loss);
  return size === 0 || (size >= 0.01 && size < 1e4) ? String(Number(loss.toPrecision(3))) : loss.toExponential(2).replace('e+', 'e');
}

const nameKeys = new Set(['pde', 'model', 'derivatives', 'kind', 'seed']);

/** The options besides pde, model, derivatives and seed whose values differ between a sweep's jobs. */
export function varyingOptions(jobs: readonly { options: JobOptions }[]): string[] {
  const keys = [...new Set(jobs.flatMap((j) => Object.keys(j.options)))].filter((k) => !nameKeys.has(k));
  return keys.filter((k) => new Set(jobs.map((j) => JSON.stringify((j.options as Record<string, unknown>)[k]))).size > 1).sort();
}

/** A job as a person reads it: its pde, "PINN+M" (orchestrator/table.ts), the options that vary between the sweep's jobs, "seed 3". */
export function configLabel(options: JobOptions, varying: readonly string[]): string {
  const o = options as Record<string, unknown>;
  const head = o.kind === 'noop' ? 'noop' : `${String(o.pde)} ${columnName(o)}`;
  const rest = varying.filter((k) => o[k] !== undefined).map((k) => `${k}=${typeof o[k] === 'string' ? o[k] : JSON.stringify(o[k])}`);
  return [head, ...rest, `seed ${String(o.seed)}`].join(' ');
}

const clip = (text: string, width: number) => (text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`);
const bar = (fraction: number, size: number) => {
  const full = Math.round(Math.min(1, Math.max(0, fraction)) * size);
  return `${'█'.repeat(full)}${'░'.repeat(size - full)}`;
};

/** The runner's counts (orchestrator/sweep-runner.ts), as much as a line shows. */
export type Counts = Pick<SweepUpdate, 'total' | 'done' | 'failed' | 'diverged' | 'stopped' | 'running'>;

const endedOf = (c: Counts) => c.done + c.failed + c.diverged + c.stopped;
/** "done 11, failed 1": done always, the other ends when there are any. */
const endsOf = (c: Counts) =>
  [`done ${c.done}`, ...([['failed', c.failed], ['diverged', c.diverged], ['stopped early', c.stopped]] as const).filter(([, n]) => n > 0).map(([what, n]) => `${what} ${n}`)].join(', ');

/** The terminal's first line: "sweep quick [████░░░░] 12/30 ended · running 3 · ETA 4.2 min · done 11, failed 1". */
export function totalLine(sweep: string, c: Counts, etaSeconds: number | null, width: number): string {
  const fraction = c.total ? endedOf(c) / c.total : 1;
  return clip(`sweep ${sweep} ${bar(fraction, 20)} ${endedOf(c)}/${c.total} ended · running ${c.running} · ETA ${formatSeconds(etaSeconds)} · ${endsOf(c)}`, width);
}

/** A running job as the console shows it. */
export interface JobView {
  id: string;
  label: string;
  epoch: number;
  epochs: number;
  loss: number | null;
  /** Seconds left at its own rate; null before it has one. */
  left: number | null;
}

/** One lane's line: "cpu0  3f2a91c0  <label>  ████░░░░░░ 120/300  loss 2.13e-3  ETA 45 s", or "idle". */
export function laneLine(lane: string, job: JobView | undefined, widths: { lane: number; label: number }, width: number): string {
  const head = `  ${lane.padEnd(widths.lane)}  `;
  if (!job) return clip(`${head}idle`, width);
  const label = clip(job.label, widths.label).padEnd(widths.label);
  return clip(`${head}${job.id.slice(0, 8)}  ${label}  ${bar(job.epoch / job.epochs, 10)} ${job.epoch}/${job.epochs}  loss ${formatLoss(job.loss)}  ETA ${formatSeconds(job.left)}`, width);
}

/**
 * The line printed off a terminal: "sweep quick: 12/30 ended (done 11, failed 1) · ETA 4.2 min · running: 3f2a91c0
 * <label> epoch 120/300 loss 2.1e-3, ...": at most `shown` running jobs, then "+N more", so its length is bounded.
 */
export function progressLine(sweep: string, c: Counts, etaSeconds: number | null, running: readonly JobView[], shown = 4): string {
  const jobs = running.slice(0, shown).map((j) => `${j.id.slice(0, 8)} ${clip(j.label, 40)} epoch ${j.epoch}/${j.epochs} loss ${formatLoss(j.loss)}`);
  if (running.length > shown) jobs.push(`+${running.length - shown} more`);
  return `sweep ${sweep}: ${endedOf(c)}/${c.total} ended (${endsOf(c)}) · ETA ${formatSeconds(etaSeconds)} · running: ${jobs.length ? jobs.join(', ') : 'none'}`;
}

/** A log record (pino's JSON) as one line for a person: "17:07:42 WARN job 3f2a... failed: timed out". */
export function recordLine(record: Record<string, unknown>, color: boolean): string {
  const level = Number(record.level);
  const name = level >= 50 ? 'ERROR' : level >= 40 ? 'WARN' : level >= 30 ? 'INFO' : 'DEBUG';
  const time = new Date(typeof record.time === 'number' ? record.time : Date.now()).toTimeString().slice(0, 8);
  const paint = !color || level < 40 ? name : `\x1b[${level >= 50 ? 31 : 33}m${name}\x1b[39m`;
  const err = record.err === undefined ? '' : `: ${typeof record.err === 'string' ? record.err : String((record.err as { message?: unknown }).message ?? JSON.stringify(record.err))}`;
  return `${time} ${paint} ${String(record.msg ?? '')}${err}`;
}

interface Running extends JobView {
  group: string;
  laneKey: string;
  /** When the console first heard of it, and of its latest progress (ms). */
  since: number;
  at: number;
  rate: number | null;
}

export interface SweepConsoleOptions {
  sweep: string;
  jobs: readonly PlannedSweepJob[];
  /** The store's rows of the sweep before this run: jobs that ended then, and how long each took. */
  stored: ReadonlyArray<{ id: string; group: string; status: string; duration_s: number | null }>;
  /** `--retry-failed`: the failed jobs are run again, so not ended. */
  retryFailed: boolean;
  /** Job slots in this process (the embedded mode); otherwise counted from the workers' heartbeats. */
  lanes?: string[];
  /** Redraw in place (a terminal) or print a line every `progressEvery` seconds. */
  tty: boolean;
  progressEvery: number;
  stream?: NodeJS.WriteStream;
  now?: () => number;
}

/** A lane unheard of this long, running nothing, leaves the display and the lane count. */
const laneSilenceMs = 30_000;
/** Ended jobs whose duration says how long their group's jobs take: a failure is often an instant refusal. */
const timedStatuses = new Set(['done', 'diverged', 'stopped']);

export class SweepConsole {
  private readonly stream: NodeJS.WriteStream;
  private readonly now: () => number;
  private readonly jobs = new Map<string, { group: string; label: string }>();
  private readonly pending = new Set<string>();
  private readonly durations = new Map<string, number[]>();
  private readonly running = new Map<string, Running>();
  private readonly lanes = new Map<string, { host: string; lane: string; slots: number; seen: number }>();
  private counts: Counts | undefined;
  private multi: MultiBar | undefined;
  private readonly bars: SingleBar[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: SweepConsoleOptions) {
    this.stream = options.stream ?? process.stderr;
    this.now = options.now ?? Date.now;
    const varying = varyingOptions(options.jobs);
    for (const job of options.jobs) this.jobs.set(job.id, { group: job.group, label: configLabel(job.options, varying) });
    const before = new Map(options.stored.map((row) => [row.id, row]));
    for (const job of options.jobs) {
      const row = before.get(job.id);
      const ended = row !== undefined && (timedStatuses.has(row.status) || (row.status === 'failed' && !options.retryFailed));
      if (!ended) this.pending.add(job.id);
    }
    for (const row of options.stored) if (timedStatuses.has(row.status) && row.duration_s !== null) this.addDuration(row.group, row.duration_s);
    for (const lane of options.lanes ?? []) this.lanes.set(`local/${lane}`, { host: 'local', lane, slots: 1, seen: Infinity });
  }

  /** Whether the bars are on the terminal now: log records then go above them, warnings only. */
  get live(): boolean {
    return this.multi !== undefined && !this.stopped;
  }

  update(update: SweepUpdate): void {
    this.counts = update;
    if (this.stopped) return;
    if (!this.timer) {
      // The first update comes once the jobs are planned and queued: the display starts then, not before the
      // plan's own log line.
      if (this.options.tty) this.multi = new MultiBar({ stream: this.stream, hideCursor: true, clearOnComplete: true, forceRedraw: true, fps: 4, format: (_o, params, payload: { line: string }) => clip(payload.line, params.maxWidth || 100) });
      this.timer = setInterval(() => this.tick(), this.options.tty ? 1000 : this.options.progressEvery * 1000);
      this.timer.unref();
    }
    if (this.options.tty) this.draw();
  }

  progress(p: ProgressMessage): void {
    const job = this.jobs.get(p.job);
    if (!job || !this.pending.has(p.job)) return;
    const now = this.now();
    const laneKey = this.laneKeyOf(p.host, p.lane);
    const was = this.running.get(p.job);
    this.running.set(p.job, { id: p.job, label: job.label, group: job.group, laneKey, epoch: p.epoch, epochs: p.epochs, loss: p.loss, rate: p.rate, since: was?.since ?? now, at: now, left: null });
    if (!this.lanes.has(laneKey)) this.lanes.set(laneKey, { host: p.host, lane: p.lane, slots: 1, seen: now });
    if (this.options.tty) this.draw();
  }

  heartbeat(h: HeartbeatMessage): void {
    const key = this.laneKeyOf(h.host, h.lane);
    const known = this.lanes.get(key);
    this.lanes.set(key, { host: h.host, lane: h.lane, slots: h.slots, seen: known?.seen === Infinity ? Infinity : this.now() });
  }

  jobEnded(job: EndedJob): void {
    this.running.delete(job.id);
    this.pending.delete(job.id);
    if (timedStatuses.has(job.status) && job.duration_s !== null) this.addDuration(job.group, job.duration_s);
    if (this.options.tty && this.live) this.draw();
  }

  /** A line for the person at the terminal: above the bars while they are up. */
  note(line: string): void {
    if (this.live) this.multi!.log(`${line}\n`);
    else this.stream.write(`${line}\n`);
  }

  /** The sweep's seconds left (eta.ts) and each running job's own, at this moment. */
  eta(): { seconds: number | null; running: Running[] } {
    const now = this.now();
    const groups = new Map<string, { finished: number[]; queued: number; running: Array<{ elapsed: number; left: number | null }> }>();
    const groupOf = (id: string) => {
      const group = this.jobs.get(id)!.group;
      if (!groups.has(group)) groups.set(group, { finished: this.durations.get(group) ?? [], queued: 0, running: [] });
      return groups.get(group)!;
    };
    // Every group with a finished job is in, pending work or not: its durations are the overall mean's data.
    for (const [group, finished] of this.durations) groups.set(group, { finished, queued: 0, running: [] });
    for (const id of this.pending) if (!this.running.has(id)) groupOf(id).queued++;
    const running = [...this.running.values()];
    for (const job of running) {
      // Its rate's estimate, less the time since that progress message.
      job.left = job.rate !== null && job.rate > 0 ? Math.max(0, (job.epochs - job.epoch) / job.rate - (now - job.at) / 1000) : null;
      groupOf(job.id).running.push({ elapsed: (now - job.since) / 1000, left: job.left });
    }
    return { seconds: sweepEta([...groups.values()], this.laneCount(now)).seconds, running };
  }

  /** The terminal's lines: the total, then one per lane, as many as the terminal's height allows. */
  lines(width: number, height: number): string[] {
    const { seconds, running } = this.eta();
    const c = this.counts ?? { total: this.jobs.size, done: 0, failed: 0, diverged: 0, stopped: 0, running: 0 };
    const now = this.now();
    const hosts = new Set([...this.lanes.values()].map((l) => l.host));
    const nameOf = (key: string) => (hosts.size > 1 ? key : this.lanes.get(key)?.lane ?? key.split('/').slice(1).join('/'));
    const rows: Array<[string, Running | undefined]> = [];
    const keys = [...this.lanes.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    for (const key of keys) {
      const on = running.filter((j) => j.laneKey === key);
      if (on.length) for (const job of on) rows.push([nameOf(key), job]);
      else if (now - this.lanes.get(key)!.seen <= laneSilenceMs) rows.push([nameOf(key), undefined]);
    }
    const room = Math.max(3, height - 3);
    const shown = rows.length > room ? rows.slice(0, room - 1) : rows;
    const widths = { lane: Math.max(4, ...shown.map(([name]) => name.length)), label: Math.min(36, Math.max(0, ...shown.map(([, j]) => j?.label.length ?? 0))) };
    const lines = [totalLine(this.options.sweep, c, seconds, width), ...shown.map(([name, job]) => laneLine(name, job, widths, width))];
    if (shown.length < rows.length) {
      const more = rows.slice(shown.length);
      lines.push(clip(`  … ${more.length} more (${more.filter(([, j]) => j).length} running)`, width));
    }
    return lines;
  }

  private tick(): void {
    if (this.stopped) return;
    if (this.options.tty) return this.draw();
    const c = this.counts;
    if (!c) return;
    const { seconds, running } = this.eta();
    this.stream.write(`${progressLine(this.options.sweep, c, seconds, running)}\n`);
  }

  private draw(): void {
    if (!this.multi || this.stopped) return;
    const lines = this.lines(this.stream.columns || 100, this.stream.rows || 24);
    while (this.bars.length < lines.length) this.bars.push(this.multi.create(1, 0, { line: '' }));
    while (this.bars.length > lines.length) this.multi.remove(this.bars.pop()!);
    for (const [i, line] of lines.entries()) this.bars[i]!.update(0, { line });
  }

  /** Ends the display (its log lines still waiting are printed first); safe to call twice. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.multi) {
      // MultiBar prints what `log` queued only on its next redraw, and `stop` does not redraw.
      const waiting = (this.multi as unknown as { loggingBuffer: string[] }).loggingBuffer.splice(0);
      this.multi.stop();
      for (const line of waiting) this.stream.write(line);
    }
  }

  private laneCount(now: number): number {
    if (this.options.lanes) return this.options.lanes.length;
    const slots = [...this.lanes.values()].filter((l) => now - l.seen <= laneSilenceMs).reduce((sum, l) => sum + l.slots, 0);
    return Math.max(1, slots, this.running.size);
  }

  private laneKeyOf(host: string, lane: string): string {
    // The embedded lanes are named before any of them reports; their reports carry this host's name.
    return this.options.lanes?.includes(lane) ? `local/${lane}` : `${host}/${lane}`;
  }

  private addDuration(group: string, seconds: number): void {
    if (!this.durations.has(group)) this.durations.set(group, []);
    this.durations.get(group)!.push(seconds);
  }
}

/**
 * The destination of the CLI's logger while a sweep runs (bin/logging.ts `logTo`): every record to the log file
 * when there is one; to the person, as one line, the warnings and errors, and the info records too while no
 * bars are up on a terminal.
 */
export class ConsoleLogSink {
  constructor(
    private readonly console: SweepConsole,
    private readonly file: number | undefined,
    private readonly color: boolean,
    private readonly tty: boolean,
  ) {}

  write(line: string): void {
    if (this.file !== undefined) writeSync(this.file, line);
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    const least = this.tty && !this.console.live ? 30 : 40;
    if (Number(record.level) >= least) this.console.note(recordLine(record, this.color));
  }
}
