// How the orchestrator and the workers meet: two narrow interfaces, implemented over NATS JetStream
// (nats/orchestrator-transport.ts, nats/worker-transport.ts) and in process (in-process-transport.ts, the embedded default). Neither side knows which.
import { InputError } from './errors.js';
import type { ArtifactMessage, CancelMessage, FailureMessage, HeartbeatMessage, JobMessage, ProgressMessage, ResultMessage } from './messages.js';

/** A message that must be settled: ack when done with it, nak to have it delivered again. */
export interface Delivery<T> {
  readonly value: T;
  /** 1 on the first delivery. */
  readonly attempt: number;
  ack(): Promise<void>;
  nak(delayMs?: number): Promise<void>;
  /** Still working on it: push the redelivery deadline back (long jobs). */
  working(): void;
}

/** Who holds a sweep: one orchestrator process, running one store's run of it. */
export interface SweepHolder {
  run: string;
  host: string;
  pid: number;
  /** The store's path as its orchestrator named it (shown to a refused rival). */
  store: string;
  since: string;
}

/** A sweep held by this process until `release()`. */
export interface SweepLease {
  /**
   * The run that held the sweep last, when it was another run (another store's): its queued jobs were dropped
   * and its consumers removed, and this run's own messages must be sent anew (a new epoch). Null otherwise.
   */
  readonly tookOverFrom: SweepHolder | null;
  /** Resolves if another orchestrator took the sweep (this one's renewals stopped reaching the server too long). */
  readonly lost: Promise<SweepHolder>;
  release(): Promise<void>;
}

/** Another live orchestrator holds the sweep. */
export class SweepTakenError extends InputError {
  override name = 'SweepTakenError';
  constructor(
    readonly sweep: string,
    readonly holder: SweepHolder,
  ) {
    super(`sweep ${sweep} is being run by another orchestrator (host ${holder.host}, pid ${holder.pid}, store ${holder.store}, since ${holder.since}); wait for it to end, stop it, or give this spec another name`);
  }
}

/** A result, a part of a result's artifact, or the queue giving up on a job; each is acked once the store holds it. */
export type SweepEvent =
  | { kind: 'result'; delivery: Delivery<ResultMessage> }
  | { kind: 'artifact'; delivery: Delivery<ArtifactMessage> }
  | { kind: 'failure'; delivery: Delivery<FailureMessage> };

export interface OrchestratorTransport {
  /** True when queued jobs outlive this process (NATS): a resumed sweep must not count on re-enqueueing. */
  readonly durable: boolean;
  /**
   * Take the sweep for this run before anything is sent: refused (SweepTakenError) while another live
   * orchestrator holds it; one that went silent (killed) is waited out, then replaced.
   */
  claim(sweep: string, holder: SweepHolder, onWait?: (holder: SweepHolder, waitMs: number) => void): Promise<SweepLease>;
  /** Enqueue a job; enqueueing the same (sweep, run, epoch, job, generation) twice delivers it once. */
  enqueue(job: JobMessage, epoch: number): Promise<void>;
  /** Results and give-ups of one run of a sweep, until `close()`. Each must be acked after it is stored. */
  events(sweep: string, run: string): AsyncIterable<SweepEvent>;
  onProgress(sweep: string, handler: (progress: ProgressMessage) => void): () => void;
  onHeartbeat(handler: (heartbeat: HeartbeatMessage) => void): () => void;
  /** Drops the sweep's queued jobs and tells every worker to stop its running ones; resolves to the jobs dropped. */
  cancel(cancel: CancelMessage): Promise<{ dropped: number }>;
  /** Tells the workers to stop one running job of the sweep (early stopping); its result comes back `stopped`. */
  stopJob(stop: CancelMessage & { job: string }): Promise<void>;
  /** The sweep was cancelled (from here or from any other process). */
  onCancel(sweep: string, handler: (cancel: CancelMessage) => void): () => void;
  close(): Promise<void>;
}

export interface WorkerTransport {
  /** The next job for a free slot; null once the transport is closed. */
  nextJob(): Promise<Delivery<JobMessage> | null>;
  /** Resolves once the result is durably accepted (JetStream ack); retries through reconnects. */
  publishResult(result: ResultMessage): Promise<void>;
  /** One part of a job's artifact, durably like a result; every part is published before the result naming it. */
  publishArtifact(part: ArtifactMessage): Promise<void>;
  publishProgress(progress: ProgressMessage): void;
  publishHeartbeat(heartbeat: HeartbeatMessage): void;
  /** Any sweep cancelled: stop its running jobs, drop its jobs still on their way. */
  onCancel(handler: (cancel: CancelMessage) => void): () => void;
  close(): Promise<void>;
}

/** Called for every message a reader refused (malformed, unknown version): log it and go on. */
export type InvalidMessageHandler = (subject: string, reason: string) => void;
