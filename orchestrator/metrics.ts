// Prometheus metrics of a sweep (prom-client): jobs by status, queue depth, job durations, the latest and mean
// job metrics per configuration, lane heartbeats and worker memory. Labels stay bounded: a sweep's
// configurations and lanes, never job ids. Names follow Prometheus conventions (prefix, units, _total).
import { createServer, type Server } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { jobStatusOf, type HeartbeatMessage, type JobOptions, type JobStatus, type ResultMessage } from '../protocol/index.js';

const configLabels = ['sweep', 'pde', 'model', 'derivatives', 'noise'] as const;
type ConfigLabels = Record<(typeof configLabels)[number], string>;
const laneLabels = ['host', 'lane', 'device'] as const;

/** Job metrics exported as gauges (latest and mean per configuration): result metric → Prometheus name. */
export const exportedJobMetrics: Record<string, { name: string; help: string }> = {
  param_corr: { name: 'mollifier_job_param_corr', help: 'Pearson r of the predicted and true parameter' },
  param_corr_smoothed: { name: 'mollifier_job_param_corr_smoothed', help: 'Pearson r of the predicted parameter and the truth smoothed at the kernel scale' },
  laplacian_corr: { name: 'mollifier_job_laplacian_corr', help: 'Pearson r of the predicted and true field Laplacian' },
  param_mean_rel_err: { name: 'mollifier_job_param_mean_relative_error', help: 'relative error of the parameter mean' },
  time_s: { name: 'mollifier_job_train_seconds', help: 'training wall time of a job, seconds' },
  peak_bytes: { name: 'mollifier_job_peak_tensor_bytes', help: 'peak live tensor bytes of a training step' },
  rss_bytes: { name: 'mollifier_job_resident_memory_bytes', help: 'resident memory of the job\'s process after training' },
};

export function configLabelsOf(sweep: string, options: JobOptions): ConfigLabels {
  if (options.kind === 'noop') return { sweep, pde: 'noop', model: 'none', derivatives: 'none', noise: '0' };
  return { sweep, pde: options.pde, model: options.model, derivatives: options.derivatives, noise: String(options.noise ?? options['obs-noise'] ?? 0) };
}

export class SweepMetrics {
  readonly registry = new Registry();
  private readonly jobs: Gauge;
  private readonly queueDepth: Gauge;
  private readonly ended: Counter;
  private readonly duration: Histogram;
  private readonly jobGauges = new Map<string, Gauge>();
  private readonly sums = new Map<string, { sum: number; n: number }>();
  private readonly laneRunning: Gauge;
  private readonly laneSlots: Gauge;
  private readonly laneSeen: Gauge;
  private readonly heartbeats: Counter;
  private readonly workerRss: Gauge;
  private readonly workerHeap: Gauge;

  constructor() {
    const registers = [this.registry];
    this.jobs = new Gauge({ name: 'mollifier_sweep_jobs', help: 'jobs of the sweep by status', labelNames: ['sweep', 'status'], registers });
    this.queueDepth = new Gauge({ name: 'mollifier_sweep_queue_depth', help: 'jobs queued and not yet started', labelNames: ['sweep'], registers });
    this.ended = new Counter({ name: 'mollifier_sweep_jobs_ended_total', help: 'jobs that ended in this orchestrator run, by status', labelNames: ['sweep', 'status'], registers });
    this.duration = new Histogram({
      name: 'mollifier_job_duration_seconds',
      help: 'wall time of a job on its worker, start to result',
      labelNames: ['sweep', 'pde', 'model', 'derivatives'],
      buckets: [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1200, 3600],
      registers,
    });
    for (const { name, help } of Object.values(exportedJobMetrics)) {
      this.jobGauges.set(name, new Gauge({ name, help: `${help} (stat: last job, or mean over the configuration's jobs)`, labelNames: [...configLabels, 'stat'], registers }));
    }
    this.laneRunning = new Gauge({ name: 'mollifier_lane_running_jobs', help: 'jobs running on a lane (last heartbeat)', labelNames: [...laneLabels], registers });
    this.laneSlots = new Gauge({ name: 'mollifier_lane_slots', help: 'job slots (threads) of a lane', labelNames: [...laneLabels], registers });
    this.laneSeen = new Gauge({ name: 'mollifier_lane_last_seen_timestamp_seconds', help: 'time of a lane\'s last heartbeat, unix seconds', labelNames: [...laneLabels], registers });
    this.heartbeats = new Counter({ name: 'mollifier_lane_heartbeats_total', help: 'heartbeats received from a lane', labelNames: [...laneLabels], registers });
    this.workerRss = new Gauge({ name: 'mollifier_worker_resident_memory_bytes', help: 'resident memory of the worker process of a lane', labelNames: [...laneLabels], registers });
    this.workerHeap = new Gauge({ name: 'mollifier_worker_heap_used_bytes', help: 'JavaScript heap used by the worker process of a lane', labelNames: [...laneLabels], registers });
    collectDefaultMetrics({ register: this.registry, prefix: 'mollifier_orchestrator_' });
  }

  counts(sweep: string, counts: Record<JobStatus, number>): void {
    for (const status of ['queued', 'running', 'done', 'failed', 'diverged', 'stopped'] as const) this.jobs.set({ sweep, status }, counts[status]);
    this.queueDepth.set({ sweep }, counts.queued);
  }

  /** A job's metrics: the latest value and the running mean of its configuration. */
  jobMetrics(labels: ConfigLabels, metrics: Record<string, unknown> | null): void {
    if (!metrics) return;
    for (const [key, { name }] of Object.entries(exportedJobMetrics)) {
      const value = metrics[key];
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      const gauge = this.jobGauges.get(name)!;
      gauge.set({ ...labels, stat: 'last' }, value);
      const id = `${name}\u0000${Object.values(labels).join('\u0000')}`;
      const acc = this.sums.get(id) ?? { sum: 0, n: 0 };
      acc.sum += value;
      acc.n += 1;
      this.sums.set(id, acc);
      gauge.set({ ...labels, stat: 'mean' }, acc.sum / acc.n);
    }
  }

  result(result: ResultMessage, options: JobOptions): void {
    const status = jobStatusOf(result.status);
    this.ended.inc({ sweep: result.sweep, status });
    const labels = configLabelsOf(result.sweep, options);
    const seconds = (Date.parse(result.finished_at) - Date.parse(result.started_at)) / 1000;
    if (Number.isFinite(seconds)) this.duration.observe({ sweep: labels.sweep, pde: labels.pde, model: labels.model, derivatives: labels.derivatives }, seconds);
    if (result.status === 'completed') this.jobMetrics(labels, result.metrics);
  }

  failure(sweep: string): void {
    this.ended.inc({ sweep, status: 'failed' });
  }

  /** Lanes with series, by label key, with the time of their last heartbeat (ms). */
  private readonly lanes = new Map<string, { labels: Record<(typeof laneLabels)[number], string>; seen: number }>();

  /**
   * Lane series live while their lane beats: a lane silent for `laneExpiryMs` loses its series, and past
   * `maxLanes` lanes the longest-silent one goes first, so no stream of heartbeats (a big cluster's churn, or
   * forged ones) can grow /metrics without bound.
   */
  private expireLanes(now: number): void {
    for (const [key, lane] of this.lanes) {
      // Oldest first: once one is fresh and the count is within bounds, so are all after it.
      if (now - lane.seen <= SweepMetrics.laneExpiryMs && this.lanes.size <= SweepMetrics.maxLanes) break;
      for (const metric of [this.laneRunning, this.laneSlots, this.laneSeen, this.heartbeats, this.workerRss, this.workerHeap]) metric.remove(lane.labels);
      this.lanes.delete(key);
    }
  }

  static laneExpiryMs = 10 * 60_000;
  static maxLanes = 4096;

  heartbeat(heartbeat: HeartbeatMessage): void {
    const labels = { host: heartbeat.host, lane: heartbeat.lane, device: heartbeat.device };
    const key = JSON.stringify(labels);
    const now = Date.now();
    // Map order is insertion order: re-inserting keeps the longest-silent lane first for expireLanes.
    this.lanes.delete(key);
    this.lanes.set(key, { labels, seen: now });
    this.expireLanes(now);
    this.laneRunning.set(labels, heartbeat.running.length);
    this.laneSlots.set(labels, heartbeat.slots);
    this.laneSeen.set(labels, Date.parse(heartbeat.at) / 1000);
    this.heartbeats.inc(labels);
    this.workerRss.set(labels, heartbeat.rss_bytes);
    this.workerHeap.set(labels, heartbeat.heap_bytes);
  }
}

/** Serves GET /metrics; binds 127.0.0.1 unless told otherwise. Resolves once listening. */
export function serveMetrics(registry: Registry, port: number, host = '127.0.0.1'): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || !request.url?.startsWith('/metrics')) {
      response.writeHead(404).end('try /metrics\n');
      return;
    }
    // Serialising happens here, on a scrape, not on the result path.
    registry
      .metrics()
      .then((text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text))
      .catch((error: Error) => response.writeHead(500).end(`${error.message}\n`));
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(new Error(`--metrics-port ${port}: cannot listen on ${host}:${port} (${error.code ?? error.message})`)));
    server.listen(port, host, () => resolve(server));
  });
}
