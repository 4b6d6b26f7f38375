// A worker node: pulls jobs for its free slots, runs them on its lanes, reports progress, heartbeats and
// results, and acks a job only once its result is durably published (a crash before that redelivers it).
import { hostname } from 'node:os';
import { artifactParts, newArtifactId, protocolVersion, sha256Hex, type Delivery, type JobMessage, type ResultMessage, type WorkerTransport } from '../protocol/index.js';
import { Lane } from './lane.js';

export interface WorkerLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface WorkerNodeOptions {
  host?: string;
  lanes: Lane[];
  /** Heartbeat period (default 5 s); also how often a running job says working() to the queue. */
  heartbeatMs?: number;
  /** Progress messages at most this often per job (default 1 s). */
  progressEveryMs?: number;
  log: WorkerLog;
}

export class WorkerNode {
  readonly host: string;
  private readonly running = new Map<string, { lane: Lane; sweep: string; job: string; stop: AbortController; stoppedEarly?: boolean }>();
  /** Sweeps cancelled while this worker runs: their jobs still on their way are not started. */
  private readonly cancelled = new Map<string, string>();
  private stopCancels: (() => void) | undefined;
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();
  private heartbeatTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly transport: WorkerTransport,
    private readonly options: WorkerNodeOptions,
  ) {
    this.host = options.host ?? hostname();
  }

  private where(lane: Lane) {
    return { host: this.host, lane: lane.name, device: lane.device, pid: process.pid };
  }

  private heartbeat(): void {
    const memory = process.memoryUsage();
    for (const lane of this.options.lanes) {
      const running = [...this.running.values()].filter((r) => r.lane === lane).map(({ sweep, job }) => ({ sweep, job }));
      this.transport.publishHeartbeat({ v: protocolVersion, type: 'heartbeat', ...this.where(lane), slots: lane.slots, running, rss_bytes: memory.rss, heap_bytes: memory.heapUsed, at: new Date().toISOString() });
    }
  }

  /** Runs until stop(): one loop per slot of every lane. */
  async run(): Promise<void> {
    this.stopCancels = this.transport.onCancel((cancel) => {
      if (cancel.job !== undefined) {
        // One job of a sweep that goes on (early stopping): only that job stops, and it ends `stopped`.
        const running = this.running.get(`${cancel.sweep}/${cancel.job}`);
        if (running && !running.stop.signal.aborted) {
          running.stoppedEarly = true;
          running.stop.abort(cancel.reason);
        }
        return;
      }
      const reason = `cancelled: ${cancel.reason}`;
      this.cancelled.set(cancel.sweep, reason);
      for (const running of this.running.values()) if (running.sweep === cancel.sweep) running.stop.abort(reason);
    });
    this.heartbeat();
    this.heartbeatTimer = setInterval(() => this.heartbeat(), this.options.heartbeatMs ?? 5000);
    this.heartbeatTimer.unref();
    const loops = this.options.lanes.flatMap((lane) => Array.from({ length: lane.slots }, (_, slot) => this.slotLoop(lane, slot)));
    await Promise.all(loops);
  }

  private async slotLoop(lane: Lane, slot: number): Promise<void> {
    while (!this.stopped) {
      let delivery: Delivery<JobMessage> | null;
      try {
        delivery = await this.transport.nextJob();
      } catch (error) {
        if (this.stopped) return;
        this.options.log.warn({ lane: lane.name, slot, err: (error as Error).message }, 'fetching a job failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 1000));
        continue;
      }
      if (!delivery) return;
      const run = this.runOne(lane, delivery);
      this.inFlight.add(run);
      await run.finally(() => this.inFlight.delete(run));
    }
  }

  private async runOne(lane: Lane, delivery: Delivery<JobMessage>): Promise<void> {
    const job = delivery.value;
    const key = `${job.sweep}/${job.id}`;
    const log = { sweep: job.sweep, job: job.id, host: this.host, lane: lane.name, attempt: delivery.attempt };
    const stop = new AbortController();
    const cancelled = this.cancelled.get(job.sweep);
    if (cancelled) stop.abort(cancelled);
    this.running.set(key, { lane, sweep: job.sweep, job: job.id, stop });
    const started = new Date();
    if (!cancelled) this.options.log.info(log, `job ${job.id} started`);
    // Keep the queue from redelivering a long job while it runs.
    const working = setInterval(() => delivery.working(), this.options.heartbeatMs ?? 5000);
    let lastProgress = 0;
    try {
      // A cancelled sweep's job comes in already stopped: piscina never starts it, and it ends failed with the reason.
      const outcome = await lane.run(job.options, (p) => {
        const now = Date.now();
        if (now - lastProgress < (this.options.progressEveryMs ?? 1000) && p.epoch < p.epochs) return;
        lastProgress = now;
        const finite = (v: number) => (Number.isFinite(v) ? v : null);
        this.transport.publishProgress({
          v: protocolVersion, type: 'progress', sweep: job.sweep, job: job.id, ...this.where(lane),
          epoch: p.epoch, epochs: p.epochs, loss: finite(p.loss), loss_data: finite(p.lossData), loss_pde: finite(p.lossPde), rate: finite(p.rate), at: new Date().toISOString(),
        });
      }, { ...(job.timeout_s === undefined ? {} : { timeoutMs: job.timeout_s * 1000 }), stop: stop.signal, ...(job.inputs ? { inputs: job.inputs } : {}), keepWeights: job.keep_weights ?? false });
      clearInterval(working);
      if (this.stopped) {
        // Stopping this worker cut the job short: it is not the job's failure; give it back to the queue.
        await delivery.nak();
        this.options.log.info(log, `job ${job.id} handed back (worker stopping)`);
        return;
      }
      const artifact = outcome.artifact ? await this.publishArtifact(job, outcome.artifact) : undefined;
      // Stopped early only if the stop cut it short: a job that ended first keeps its own end.
      const status = this.running.get(key)?.stoppedEarly && outcome.status === 'failed' ? 'stopped' : outcome.status;
      await this.transport.publishResult({
        v: protocolVersion, type: 'result', sweep: job.sweep, run: job.run, job: job.id, ticket: job.ticket, generation: job.generation ?? 0, status,
        ...(outcome.reason ? { reason: outcome.reason.slice(0, 4000) } : {}),
        metrics: outcome.metrics, attempt: delivery.attempt, ...this.where(lane),
        started_at: started.toISOString(), finished_at: new Date().toISOString(),
        ...(artifact ? { artifact } : {}),
      });
      await delivery.ack();
      this.options.log.info({ ...log, status, ...(outcome.reason ? { reason: outcome.reason } : {}) }, `job ${job.id} ${status}`);
    } catch (error) {
      // The result could not be published (server gone for good): let the queue redeliver the job.
      this.options.log.error({ ...log, err: (error as Error).message }, `job ${job.id}: result not published; the job will be redelivered`);
      await delivery.nak(5000).catch(() => undefined);
    } finally {
      clearInterval(working);
      this.running.delete(key);
    }
  }

  /** Publishes a job's artifact in parts, all before its result; returns what the result names. */
  private async publishArtifact(job: JobMessage, bytes: Uint8Array): Promise<NonNullable<ResultMessage['artifact']>> {
    const id = newArtifactId();
    const parts = artifactParts(bytes);
    for (const [part, data] of parts.entries()) {
      await this.transport.publishArtifact({
        v: protocolVersion, type: 'artifact', sweep: job.sweep, run: job.run, job: job.id, ticket: job.ticket, generation: job.generation ?? 0,
        artifact: id, part, parts: parts.length, host: this.host, data,
      });
    }
    return { id, parts: parts.length, bytes: bytes.length, sha256: sha256Hex(bytes) };
  }

  /** Stops pulling, ends the running jobs (handed back to the queue) and closes the transport. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.stopCancels?.();
    await Promise.all(this.options.lanes.map((lane) => lane.close()));
    await Promise.all(this.inFlight);
    await this.transport.close();
  }
}
