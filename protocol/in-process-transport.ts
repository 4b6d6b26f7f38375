// The embedded transport: the orchestrator and the lanes in one process, no server. Same contract as NATS:
// explicit acks, redelivery of nak'ed jobs up to maxDeliver, one delivery per (sweep, run, epoch, job, generation).
import type { ArtifactMessage, CancelMessage, FailureMessage, HeartbeatMessage, JobMessage, ProgressMessage, ResultMessage } from './messages.js';
import { SweepTakenError, type Delivery, type OrchestratorTransport, type SweepEvent, type SweepHolder, type WorkerTransport } from './transport.js';
import { protocolVersion } from './version.js';
import { AsyncQueue } from './async-queue.js';

interface QueuedJob {
  job: JobMessage;
  attempt: number;
}

export interface InProcessOptions {
  /** Deliveries of a job before it is given up (default 3). */
  maxDeliver?: number;
}

export class InProcessBroker {
  private readonly jobs = new AsyncQueue<QueuedJob>();
  private readonly sweepEvents = new Map<string, AsyncQueue<SweepEvent>>();
  private readonly seen = new Set<string>();
  private readonly holders = new Map<string, SweepHolder>();
  private readonly progressHandlers = new Set<{ sweep: string; handler: (p: ProgressMessage) => void }>();
  private readonly heartbeatHandlers = new Set<(h: HeartbeatMessage) => void>();
  /** Each lane's latest heartbeat, handed to a new subscriber at once (see onHeartbeat). */
  private readonly lastHeartbeats = new Map<string, HeartbeatMessage>();
  private readonly cancelHandlers = new Set<{ sweep?: string; handler: (c: CancelMessage) => void }>();
  private readonly maxDeliver: number;
  private closed = false;

  constructor(options: InProcessOptions = {}) {
    this.maxDeliver = options.maxDeliver ?? 3;
  }

  private eventsOf(sweep: string): AsyncQueue<SweepEvent> {
    let channel = this.sweepEvents.get(sweep);
    if (!channel) this.sweepEvents.set(sweep, (channel = new AsyncQueue()));
    return channel;
  }

  private deliver(queued: QueuedJob): Delivery<JobMessage> {
    let settled = false;
    return {
      value: queued.job,
      attempt: queued.attempt,
      ack: async () => {
        settled = true;
      },
      nak: async () => {
        if (settled) return;
        settled = true;
        if (queued.attempt < this.maxDeliver) this.jobs.push({ job: queued.job, attempt: queued.attempt + 1 });
        else this.giveUp(queued);
      },
      working: () => undefined,
    };
  }

  private giveUp(queued: QueuedJob): void {
    const failure: FailureMessage = {
      v: protocolVersion,
      type: 'failure',
      sweep: queued.job.sweep,
      job: queued.job.id,
      reason: `no result after ${queued.attempt} deliveries`,
      attempts: queued.attempt,
      at: new Date().toISOString(),
    };
    const settled = async () => undefined;
    this.eventsOf(`${queued.job.sweep}.${queued.job.run}`).push({ kind: 'failure', delivery: { value: failure, attempt: 1, ack: settled, nak: settled, working: () => undefined } });
  }

  readonly orchestrator: OrchestratorTransport = {
    durable: false,
    claim: async (sweep, holder) => {
      const held = this.holders.get(sweep);
      if (held) throw new SweepTakenError(sweep, held);
      this.holders.set(sweep, holder);
      return { tookOverFrom: null, lost: new Promise<SweepHolder>(() => undefined), release: async () => void this.holders.delete(sweep) };
    },
    enqueue: async (job, epoch) => {
      const key = `${job.sweep}.${job.run}.${epoch}.${job.id}.${job.generation ?? 0}`;
      if (this.seen.has(key)) return;
      this.seen.add(key);
      this.jobs.push({ job, attempt: 1 });
    },
    events: (sweep, run) => this.eventsOf(`${sweep}.${run}`),
    onProgress: (sweep, handler) => {
      const entry = { sweep, handler };
      this.progressHandlers.add(entry);
      return () => this.progressHandlers.delete(entry);
    },
    onHeartbeat: (handler) => {
      // The lanes beat as they start, before the sweep subscribes, and then every few seconds: a short sweep would
      // otherwise end without one lane in its metrics (regression test in test/metrics-lanes.test.ts).
      for (const heartbeat of this.lastHeartbeats.values()) handler(heartbeat);
      this.heartbeatHandlers.add(handler);
      return () => this.heartbeatHandlers.delete(handler);
    },
    stopJob: async (stop) => {
      for (const { sweep, handler } of this.cancelHandlers) if (sweep === undefined || sweep === stop.sweep) handler(stop);
    },
    cancel: async (cancel) => {
      const dropped = this.jobs.remove((queued) => queued.job.sweep === cancel.sweep);
      for (const { sweep, handler } of this.cancelHandlers) if (sweep === undefined || sweep === cancel.sweep) handler(cancel);
      return { dropped };
    },
    onCancel: (sweep, handler) => this.addCancelHandler({ sweep, handler }),
    close: async () => this.close(),
  };

  private addCancelHandler(entry: { sweep?: string; handler: (c: CancelMessage) => void }): () => void {
    this.cancelHandlers.add(entry);
    return () => this.cancelHandlers.delete(entry);
  }

  readonly worker: WorkerTransport = {
    nextJob: async () => {
      const next = await this.jobs.next();
      return next.done ? null : this.deliver(next.value);
    },
    publishResult: async (result: ResultMessage) => {
      const delivery: Delivery<ResultMessage> = { value: result, attempt: 1, ack: async () => undefined, nak: async () => undefined, working: () => undefined };
      this.eventsOf(`${result.sweep}.${result.run}`).push({ kind: 'result', delivery });
    },
    publishArtifact: async (part: ArtifactMessage) => {
      const delivery: Delivery<ArtifactMessage> = { value: part, attempt: 1, ack: async () => undefined, nak: async () => undefined, working: () => undefined };
      this.eventsOf(`${part.sweep}.${part.run}`).push({ kind: 'artifact', delivery });
    },
    publishProgress: (progress) => {
      for (const { sweep, handler } of this.progressHandlers) if (sweep === progress.sweep) handler(progress);
    },
    publishHeartbeat: (heartbeat) => {
      this.lastHeartbeats.set(`${heartbeat.host}\u0000${heartbeat.lane}`, heartbeat);
      for (const handler of this.heartbeatHandlers) handler(heartbeat);
    },
    onCancel: (handler) => this.addCancelHandler({ handler }),
    close: async () => undefined,
  };

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.jobs.close();
    for (const channel of this.sweepEvents.values()) channel.close();
  }
}
