// The JetStream layout: a work-queue stream of jobs with one shared durable pull consumer, a results stream,
// and publishing that survives timeouts and server restarts.
import { AckPolicy, DeliverPolicy, RetentionPolicy, StorageType, type JetStreamClient, type JetStreamManager, type PubAck } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { streams, subjects, workerConsumer } from '../subjects.js';

export interface QueueSettings {
  /** A job not acked nor worked on for this long goes to another worker (default 30 s). */
  ackWaitMs: number;
  /** Deliveries of a job before the queue gives up on it (default 3). */
  maxDeliver: number;
  /** Re-enqueueing the same job within this window delivers it once (default 24 h, longer than a sweep's restart). */
  duplicateWindowMs: number;
}

export const queueDefaults: QueueSettings = { ackWaitMs: 30_000, maxDeliver: 3, duplicateWindowMs: 24 * 3600_000 };

async function ensureStream(jsm: JetStreamManager, config: Parameters<JetStreamManager['streams']['add']>[0]): Promise<void> {
  try {
    await jsm.streams.info(config.name!);
  } catch {
    await jsm.streams.add(config);
  }
}

/**
 * Creates the streams and the workers' consumer when missing. Returns the consumer's settings as they are:
 * whoever created it first set them, and a worker must beat faster than the ack_wait actually in force.
 */
export async function ensureLayout(jsm: JetStreamManager, settings: QueueSettings): Promise<Pick<QueueSettings, 'ackWaitMs' | 'maxDeliver'>> {
  await ensureStream(jsm, {
    name: streams.jobs,
    subjects: [subjects.jobsAll],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    duplicate_window: nanos(settings.duplicateWindowMs),
  });
  // Results and give-ups: kept 30 days, long enough for any orchestrator to come back for them.
  const kept = { retention: RetentionPolicy.Limits, storage: StorageType.File, max_age: nanos(30 * 24 * 3600_000) };
  await ensureStream(jsm, { name: streams.results, subjects: [subjects.resultsAll], ...kept, duplicate_window: nanos(settings.duplicateWindowMs) });
  await ensureStream(jsm, { name: streams.giveUps, subjects: [subjects.giveUp], ...kept });
  let info;
  try {
    info = await jsm.consumers.info(streams.jobs, workerConsumer);
  } catch {
    info = await jsm.consumers.add(streams.jobs, {
      durable_name: workerConsumer,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(settings.ackWaitMs),
      max_deliver: settings.maxDeliver,
      max_ack_pending: 10_000,
    });
  }
  return { ackWaitMs: (info.config.ack_wait ?? settings.ackWaitMs * 1e6) / 1e6, maxDeliver: info.config.max_deliver ?? settings.maxDeliver };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Publish to a stream until it is stored: a timeout (the server restarting, a leader moving) is retried with
 * backoff; the message id makes a retry of a publish that did land a no-op.
 */
export async function publishDurably(js: JetStreamClient, subject: string, data: Uint8Array, msgID: string, deadlineMs = 120_000): Promise<PubAck> {
  const until = Date.now() + deadlineMs;
  let wait = 250;
  for (;;) {
    try {
      return await js.publish(subject, data, { msgID, timeout: 5000 });
    } catch (error) {
      // The server's permissions refuse it: no retry can change that (roles: nats-config).
      if (/permission/i.test((error as Error).message)) throw new Error(`publish to ${subject} refused by the server: ${(error as Error).message}`);
      if (Date.now() + wait > until) throw new Error(`publish to ${subject} failed for ${deadlineMs / 1000} s: ${(error as Error).message}`);
      await sleep(wait);
      wait = Math.min(wait * 2, 5000);
    }
  }
}
