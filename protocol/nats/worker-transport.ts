// The worker's side over NATS: pull jobs from the shared durable consumer (one pull per free slot), publish
// results to the results stream before acking the job, progress and heartbeats on core subjects.
import { jetstream, jetstreamManager, type Consumer, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { decode, encode } from '../codec.js';
import type { ArtifactMessage, CancelMessage, JobMessage, ResultMessage } from '../messages.js';
import { streams, subjects, workerConsumer } from '../subjects.js';
import type { Delivery, InvalidMessageHandler, WorkerTransport } from '../transport.js';
import { connectNats, type NatsSettings } from './connection.js';
import { deliveryOf } from './orchestrator-transport.js';
import { subscribeDecoded } from './subscribe.js';
import { ensureLayout, publishDurably, queueDefaults, type QueueSettings } from './streams.js';

export interface NatsWorkerOptions {
  queue?: Partial<QueueSettings>;
  onInvalid?: InvalidMessageHandler;
  /** Called when a pull fails (server away); the pull is retried. */
  onRetry?: (reason: string) => void;
}

export class NatsWorkerTransport implements WorkerTransport {
  private closed = false;
  private consumer: Consumer | undefined;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly options: NatsWorkerOptions,
    /** The queue's settings in force (possibly not the ones asked for: the first to create the consumer set them). */
    readonly queue: Pick<QueueSettings, 'ackWaitMs' | 'maxDeliver'>,
  ) {}

  static async connect(settings: NatsSettings, options: NatsWorkerOptions = {}): Promise<NatsWorkerTransport> {
    const nc = await connectNats({ name: 'mollifier-worker', ...settings });
    try {
      const jsm = await jetstreamManager(nc, { timeout: 10_000 });
      for (;;) {
        try {
          const queue = await ensureLayout(jsm, { ...queueDefaults, ...options.queue });
          return new NatsWorkerTransport(nc, jetstream(nc, { timeout: 10_000 }), options, queue);
        } catch (error) {
          // On a server with roles (nats-config) only an orchestrator creates the streams: wait for one.
          if (!/permission/i.test((error as Error).message)) throw error;
          options.onRetry?.('the job queue does not exist yet and this worker\'s user may not create it: waiting for an orchestrator to start');
          await new Promise((resolve) => setTimeout(resolve, 2000));
        }
      }
    } catch (error) {
      await nc.close();
      throw error;
    }
  }

  async nextJob(): Promise<Delivery<JobMessage> | null> {
    while (!this.closed) {
      try {
        this.consumer ??= await this.js.consumers.get(streams.jobs, workerConsumer);
        const msg = await this.consumer.next({ expires: 5000 });
        if (this.closed) {
          // Closing while a job was on its way: hand it straight back.
          msg?.nak();
          return null;
        }
        if (!msg) continue;
        const decoded = decode('job', msg.data);
        if (!decoded.ok && decoded.otherVersion !== undefined) {
          // A job of another protocol version is not garbage: it is for a worker of that version. Left in the
          // queue (its deliveries run out if none comes, and its orchestrator records the give-up).
          this.options.onInvalid?.(msg.subject, `${decoded.error}: left in the queue for a worker of that version`);
          msg.nak(30_000);
          continue;
        }
        if (!decoded.ok) {
          this.options.onInvalid?.(msg.subject, decoded.error);
          // Acked, which takes it out of the work queue (reported above); term(reason) is not understood by
          // nats-server 2.9, and a termed message would stay in the queue's stream for good.
          msg.ack();
          continue;
        }
        return deliveryOf(msg, decoded.value);
      } catch (error) {
        if (this.closed) return null;
        this.consumer = undefined;
        this.options.onRetry?.((error as Error).message);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
    return null;
  }

  async publishResult(result: ResultMessage): Promise<void> {
    // The ticket in the id: a client that was not handed the job cannot take a real result's id in advance.
    const id = `${result.sweep}.${result.run}.${result.job}.${result.ticket}.${result.attempt}.${result.host}.${result.lane}.${result.pid}`;
    await publishDurably(this.js, subjects.result(result.sweep, result.run, result.host), encode('result', result), id);
  }

  async publishArtifact(part: ArtifactMessage): Promise<void> {
    // On the result's subject: the same permission, and the stream keeps the parts ahead of their result.
    const id = `${part.sweep}.${part.run}.${part.job}.${part.artifact}.${part.part}`;
    await publishDurably(this.js, subjects.result(part.sweep, part.run, part.host), encode('artifact', part), id);
  }

  publishProgress(progress: Parameters<WorkerTransport['publishProgress']>[0]): void {
    if (!this.nc.isClosed()) this.nc.publish(subjects.progress(progress.sweep, progress.host), encode('progress', progress));
  }

  publishHeartbeat(heartbeat: Parameters<WorkerTransport['publishHeartbeat']>[0]): void {
    if (!this.nc.isClosed()) this.nc.publish(subjects.heartbeat(heartbeat.host, heartbeat.lane), encode('heartbeat', heartbeat));
  }

  onCancel(handler: (cancel: CancelMessage) => void): () => void {
    const sub = subscribeDecoded(this.nc, subjects.cancelAll, 'cancel', handler, this.options.onInvalid);
    return () => sub.unsubscribe();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.nc.drain().catch(() => this.nc.close());
  }
}
