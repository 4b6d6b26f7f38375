// The orchestrator's side over NATS: enqueue jobs on the work-queue stream, read the sweep's results through
// its own durable consumer (acked by the caller after the store commit), and turn the queue's give-ups
// (max deliveries reached) into failure events.
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type Consumer, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { decode, decodeOneOf, encode } from '../codec.js';
import type { CancelMessage, FailureMessage, HeartbeatMessage, JobMessage, ProgressMessage, ResultMessage } from '../messages.js';
import { giveUpConsumer, leaseBucket, resultConsumer, resultConsumerPrefix, streams, subjects, token } from '../subjects.js';
import type { Delivery, InvalidMessageHandler, OrchestratorTransport, SweepEvent, SweepHolder, SweepLease } from '../transport.js';
import { protocolVersion } from '../version.js';
import { AsyncQueue } from '../async-queue.js';
import { subscribeDecoded } from './subscribe.js';
import { connectNats, type NatsSettings } from './connection.js';
import { ensureLayout, publishDurably, queueDefaults, type QueueSettings } from './streams.js';
import { claimSweep, leaseDefaults, type LeaseTiming } from './sweep-lease.js';

/** Deliveries of one result or give-up to an orchestrator before the server stops offering it. */
export const consumerMaxDeliver = 20;

export interface NatsOrchestratorOptions {
  queue?: Partial<QueueSettings>;
  lease?: LeaseTiming;
  onInvalid?: InvalidMessageHandler;
}

export class NatsOrchestratorTransport implements OrchestratorTransport {
  readonly durable = true;
  private readonly subscriptions: Subscription[] = [];
  private readonly queues: Array<AsyncQueue<SweepEvent>> = [];
  private closed = false;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly options: NatsOrchestratorOptions,
  ) {}

  static async connect(settings: NatsSettings, options: NatsOrchestratorOptions = {}): Promise<NatsOrchestratorTransport> {
    const nc = await connectNats({ name: 'mollifier-orchestrator', ...settings });
    try {
      const jsm = await jetstreamManager(nc, { timeout: 10_000 });
      await ensureLayout(jsm, { ...queueDefaults, ...options.queue });
      return new NatsOrchestratorTransport(nc, jetstream(nc, { timeout: 10_000 }), jsm, options);
    } catch (error) {
      await nc.close();
      throw error;
    }
  }

  private invalid(subject: string, reason: string): void {
    this.options.onInvalid?.(subject, reason);
  }

  async claim(sweep: string, holder: SweepHolder, onWait?: (holder: SweepHolder, waitMs: number) => void): Promise<SweepLease> {
    const kv = await new Kvm(this.js).create(leaseBucket, { history: 1 });
    const lease = await claimSweep(kv, sweep, holder, this.options.lease ?? leaseDefaults, onWait);
    if (lease.tookOverFrom) {
      // Another store's run held the sweep: its queued jobs and its result consumer go (its store keeps its results).
      await this.jsm.streams.purge(streams.jobs, { filter: subjects.jobsOfSweep(sweep) });
      const others = new RegExp(`^${resultConsumerPrefix(sweep)}[0-9a-f]{16}$`);
      for await (const consumer of this.jsm.consumers.list(streams.results)) {
        const name = consumer.name;
        if (others.test(name) && name !== resultConsumer(sweep, holder.run)) await this.jsm.consumers.delete(streams.results, name).catch(() => false);
      }
    }
    return lease;
  }

  async enqueue(job: JobMessage, epoch: number): Promise<void> {
    await publishDurably(this.js, subjects.job(job.sweep, job.run), encode('job', job), `${job.sweep}.${job.run}.${epoch}.${job.id}.${job.generation ?? 0}`);
  }

  events(sweep: string, run: string): AsyncIterable<SweepEvent> {
    const queue = new AsyncQueue<SweepEvent>();
    this.queues.push(queue);
    void this.pumpResults(sweep, run, queue);
    void this.pumpGiveUps(sweep, run, queue);
    return queue;
  }

  /** A durable consumer of one sweep, created on first use and kept across restarts of this process. */
  private async durableConsumer(stream: string, name: string, filter: string): Promise<Consumer> {
    try {
      await this.jsm.consumers.info(stream, name);
    } catch {
      await this.jsm.consumers.add(stream, {
        durable_name: name,
        filter_subject: filter,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: 60_000_000_000,
        max_ack_pending: 1000,
        // A message that cannot be settled (the store down, a bug) must not hold a slot for ever.
        max_deliver: consumerMaxDeliver,
      });
    }
    return this.js.consumers.get(stream, name);
  }

  /** Reads a durable consumer until close, through server restarts; `handle` settles each message. */
  private async pump(open: () => Promise<Consumer>, handle: (msg: JsMsg) => Promise<void>): Promise<void> {
    let consumer: Consumer | undefined;
    while (!this.closed) {
      try {
        consumer ??= await open();
        const msg = await consumer.next({ expires: 5000 });
        if (msg) await handle(msg);
      } catch {
        if (this.closed) break;
        // Server restarting or the consumer gone with it: wait and look the consumer up again.
        consumer = undefined;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  private async pumpResults(sweep: string, run: string, queue: AsyncQueue<SweepEvent>): Promise<void> {
    await this.pump(
      () => this.durableConsumer(streams.results, resultConsumer(sweep, run), subjects.resultsOfRun(sweep, run)),
      async (msg) => {
        // Results and their artifacts' parts share the subject: the type says which schema to read.
        const decoded = decodeOneOf(['result', 'artifact'], msg.data);
        // The subject's host is the one the server let the publisher use (roles: nats-config.ts binds a worker's
        // credentials to its host); a body that claims another host, run or sweep is not what it says.
        const problem = !decoded.ok
          ? decoded.error
          : msg.subject !== subjects.result(decoded.value.sweep, decoded.value.run, decoded.value.host)
            ? `a ${decoded.value.type} of ${decoded.value.sweep}/${decoded.value.run} from host ${token(decoded.value.host)} sent on ${msg.subject}`
            : undefined;
        if (problem !== undefined || !decoded.ok) {
          this.invalid(msg.subject, problem ?? 'invalid');
          // No reason: nats-server 2.9 does not understand term(reason) and would deliver the message again.
          msg.term();
          return;
        }
        const value = decoded.value;
        queue.push(value.type === 'artifact' ? { kind: 'artifact', delivery: deliveryOf(msg, value) } : { kind: 'result', delivery: deliveryOf(msg, value) });
      },
    );
  }

  /**
   * The server's max-deliveries advisories, kept in their own stream: the advisory names only the job's
   * stream sequence, so the job message (still in the queue, never to be delivered again) says whose it is.
   * Once the failure is stored, the job message is deleted and the advisory acked.
   */
  private async pumpGiveUps(sweep: string, run: string, queue: AsyncQueue<SweepEvent>): Promise<void> {
    await this.pump(
      () => this.durableConsumer(streams.giveUps, giveUpConsumer(sweep), subjects.giveUp),
      async (msg) => {
        let advisory: { stream_seq?: unknown; deliveries?: unknown };
        try {
          advisory = JSON.parse(new TextDecoder().decode(msg.data)) as typeof advisory;
        } catch {
          msg.term();
          return;
        }
        const seq = advisory.stream_seq;
        if (typeof seq !== 'number') return msg.term();
        // Gone: another sweep's job already settled, or this one recorded before a restart.
        const stored = await this.jsm.streams.getMessage(streams.jobs, { seq }).catch(() => null);
        const job = stored ? decode('job', stored.data) : null;
        if (!job?.ok || job.value.sweep !== sweep || job.value.run !== run) return msg.ack();
        const deliveries = typeof advisory.deliveries === 'number' ? advisory.deliveries : 0;
        const failure: FailureMessage = {
          v: protocolVersion,
          type: 'failure',
          sweep,
          job: job.value.id,
          reason: `no result after ${deliveries} deliveries (the workers running it died or stalled)`,
          attempts: deliveries,
          at: new Date().toISOString(),
        };
        queue.push({
          kind: 'failure',
          delivery: {
            value: failure,
            attempt: msg.info.deliveryCount,
            ack: async () => {
              // The queue will not deliver it again: take it out so it does not sit there for ever.
              await this.jsm.streams.deleteMessage(streams.jobs, seq).catch(() => false);
              await msg.ackAck({ timeout: 5000 }).catch(() => msg.ack());
            },
            nak: async (delayMs?: number) => msg.nak(delayMs),
            working: () => msg.working(),
          },
        });
      },
    );
  }

  onProgress(sweep: string, handler: (progress: ProgressMessage) => void): () => void {
    return this.track(subscribeDecoded(this.nc, subjects.progressOfSweep(sweep), 'progress', handler, (subject, reason) => this.invalid(subject, reason), (p) => subjects.progress(p.sweep, p.host)));
  }

  onHeartbeat(handler: (heartbeat: HeartbeatMessage) => void): () => void {
    return this.track(subscribeDecoded(this.nc, subjects.heartbeatsAll, 'heartbeat', handler, (subject, reason) => this.invalid(subject, reason), (h) => subjects.heartbeat(h.host, h.lane)));
  }

  async cancel(cancel: CancelMessage): Promise<{ dropped: number }> {
    const { purged } = await this.jsm.streams.purge(streams.jobs, { filter: subjects.jobsOfSweep(cancel.sweep) });
    this.nc.publish(subjects.cancel(cancel.sweep), encode('cancel', cancel));
    await this.nc.flush();
    return { dropped: purged };
  }

  async stopJob(stop: CancelMessage & { job: string }): Promise<void> {
    this.nc.publish(subjects.cancel(stop.sweep), encode('cancel', stop));
    await this.nc.flush();
  }

  onCancel(sweep: string, handler: (cancel: CancelMessage) => void): () => void {
    return this.track(subscribeDecoded(this.nc, subjects.cancel(sweep), 'cancel', handler, (subject, reason) => this.invalid(subject, reason)));
  }

  /** Kept for close(); the returned function ends it early. */
  private track(sub: Subscription): () => void {
    this.subscriptions.push(sub);
    return () => sub.unsubscribe();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const queue of this.queues) queue.close();
    for (const sub of this.subscriptions) sub.unsubscribe();
    await this.nc.drain().catch(() => this.nc.close());
  }
}

/** A JetStream message as a Delivery: ack waits for the server's confirmation. */
export function deliveryOf<T>(msg: JsMsg, value: T): Delivery<T> {
  return {
    value,
    attempt: msg.info.deliveryCount,
    ack: async () => {
      await msg.ackAck({ timeout: 5000 }).catch(() => msg.ack());
    },
    nak: async (delayMs?: number) => msg.nak(delayMs),
    working: () => msg.working(),
  };
}

export type { ResultMessage };
