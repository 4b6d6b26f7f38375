// The messages on the wire (JSON, one per NATS message), each with the protocol version and its type.
// Wire names are snake_case and stable; client-side types live with their users.
import { z } from 'zod';
import { jobInputNames, jobOptionsSchema } from './job-options.js';
import { protocolVersion } from './version.js';
import { limits } from './limits.js';

const header = { v: z.literal(protocolVersion) };
const id = z.string().regex(/^[0-9a-f]{16}$/, 'a job or group id is 16 hex digits');
const sweepName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a sweep name is 1-64 letters, digits, _ or -');
const timestamp = z.string().datetime();
/** A store's run of a sweep: another store's run of the same spec is another run (its own messages and results). */
const run = z.string().regex(/^[0-9a-f]{16}$/, 'a run id is 16 hex digits');
/** A job's ticket: only a worker that was handed the job knows it, and its result must carry it back. */
const ticket = z.string().regex(/^[0-9a-f]{32}$/, 'a ticket is 32 hex digits');
const artifactId = z.string().regex(/^[0-9a-f]{16}$/, 'an artifact id is 16 hex digits');
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 is 64 hex digits');
const artifactPartsMax = Math.ceil(limits.artifactBytes / limits.artifactPartBytes);
const where = { host: z.string().min(1), lane: z.string().min(1), device: z.string().min(1), pid: z.number().int() };

/** One job to run: the orchestrator → any worker. */
export const jobMessageSchema = z.strictObject({
  ...header,
  type: z.literal('job'),
  sweep: sweepName,
  run,
  id,
  group: id,
  ticket,
  options: jobOptionsSchema,
  /** sha256 of each file the job reads (its file options, a user problem's module) when the sweep was planned: the worker checks them. */
  inputs: z.partialRecord(z.enum(jobInputNames), z.string().regex(/^[0-9a-f]{64}$/)).optional(),
  /** Bumped each time failed jobs are run again (`--retry-failed`); results carry it back (absent: 0). */
  generation: z.number().int().nonnegative().optional(),
  /** Send the trained weights with the job's artifact (a sweep's `keep-weights`; no part of the job's id). */
  keep_weights: z.boolean().optional(),
  /** Wall-clock limit: the worker stops a job still running after this long and reports it failed. */
  timeout_s: z.number().positive().max(limits.timeoutMinutes * 60).optional(),
  enqueued_at: timestamp,
});

export const metricValue = z.union([z.number(), z.string(), z.boolean(), z.null()]);

/** How a job ended on a worker: worker → orchestrator (a JetStream stream, acked after the store commit). */
export const resultMessageSchema = z.strictObject({
  ...header,
  type: z.literal('result'),
  sweep: sweepName,
  run,
  job: id,
  /** The job message's ticket, handed back: a result without the right one is refused. */
  ticket,
  /** `stopped`: the orchestrator stopped it early (a sweep's early-stop rule); kept out of the statistics. */
  status: z.enum(['completed', 'diverged', 'failed', 'stopped']),
  reason: z.string().max(limits.reasonChars).optional(),
  metrics: z.record(z.string(), metricValue).nullable(),
  /** The job message's generation: a result of an older generation is stale and not recorded (absent: 0). */
  generation: z.number().int().nonnegative().optional(),
  /** Delivery count of the job message that produced this result (1 on the first try). */
  attempt: z.number().int().positive(),
  ...where,
  started_at: timestamp,
  finished_at: timestamp,
  /** The job's artifact, sent before this result in `parts` artifact messages (protocol/artifact.ts). */
  artifact: z.strictObject({ id: artifactId, parts: z.number().int().positive().max(artifactPartsMax), bytes: z.number().int().positive().max(limits.artifactBytes), sha256 }).optional(),
});

/**
 * One part of a job's artifact: worker → orchestrator on the result's subject, ahead of the result (JetStream
 * keeps their order). The ticket, as on the result, says the sender was handed the job.
 */
export const artifactMessageSchema = z.strictObject({
  ...header,
  type: z.literal('artifact'),
  sweep: sweepName,
  run,
  job: id,
  ticket,
  generation: z.number().int().nonnegative(),
  artifact: artifactId,
  /** 0-based. */
  part: z.number().int().nonnegative().max(artifactPartsMax - 1),
  parts: z.number().int().positive().max(artifactPartsMax),
  host: z.string().min(1),
  /** This part's bytes, base64. */
  data: z.string().max(Math.ceil(limits.artifactPartBytes / 3) * 4),
});

/** Training progress of a running job (core NATS, best effort). */
export const progressMessageSchema = z.strictObject({
  ...header,
  type: z.literal('progress'),
  sweep: sweepName,
  job: id,
  ...where,
  epoch: z.number().int().nonnegative(),
  epochs: z.number().int().positive(),
  loss: z.number().nullable(),
  loss_data: z.number().nullable(),
  loss_pde: z.number().nullable(),
  rate: z.number().nullable(),
  at: timestamp,
});

/** A lane says it is alive, what it runs and its memory (core NATS, every few seconds). */
export const heartbeatMessageSchema = z.strictObject({
  ...header,
  type: z.literal('heartbeat'),
  ...where,
  /** Job slots (threads) of the lane and the jobs running in them. */
  slots: z.number().int().positive(),
  running: z.array(z.strictObject({ sweep: sweepName, job: id })),
  rss_bytes: z.number().nonnegative(),
  heap_bytes: z.number().nonnegative(),
  at: timestamp,
});

/** A job the queue gave up on (its deliveries ran out with no result): orchestrator-side record. */
export const failureMessageSchema = z.strictObject({
  ...header,
  type: z.literal('failure'),
  sweep: sweepName,
  job: id,
  reason: z.string(),
  attempts: z.number().int().nonnegative(),
  at: timestamp,
});

/**
 * Stop a sweep: its queued jobs are dropped and its running jobs stopped (core NATS, to every worker). With `job`,
 * only that running job is stopped, and it ends `stopped` (the early-stop rule), not failed.
 */
export const cancelMessageSchema = z.strictObject({
  ...header,
  type: z.literal('cancel'),
  sweep: sweepName,
  job: id.optional(),
  reason: z.string().min(1),
  at: timestamp,
});

export const messageSchemas = {
  job: jobMessageSchema,
  result: resultMessageSchema,
  artifact: artifactMessageSchema,
  progress: progressMessageSchema,
  heartbeat: heartbeatMessageSchema,
  failure: failureMessageSchema,
  cancel: cancelMessageSchema,
} as const;

export type MessageType = keyof typeof messageSchemas;
export type JobMessage = z.infer<typeof jobMessageSchema>;
export type ResultMessage = z.infer<typeof resultMessageSchema>;
export type ArtifactMessage = z.infer<typeof artifactMessageSchema>;
export type ProgressMessage = z.infer<typeof progressMessageSchema>;
export type HeartbeatMessage = z.infer<typeof heartbeatMessageSchema>;
export type FailureMessage = z.infer<typeof failureMessageSchema>;
export type CancelMessage = z.infer<typeof cancelMessageSchema>;
export type Message<T extends MessageType> = z.infer<(typeof messageSchemas)[T]>;
export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'diverged' | 'stopped';

/** A result's status as the store and the metrics name it ('completed' on the wire is 'done'). */
export function jobStatusOf(status: ResultMessage['status']): Exclude<JobStatus, 'queued' | 'running'> {
  return status === 'completed' ? 'done' : status;
}
