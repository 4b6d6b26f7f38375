// Every limit of the system in one place, each with why it is where it is. Past one is one clear line and
// exit 2 before any work (the spec, the CLI options and the wire schemas all read these).
export const limits = {
  /** Jobs one sweep may expand to: the store, the queue and the table stay responsive (a 10⁷-job spec ran out of heap). */
  jobsPerSweep: 100_000,
  /** Seeds of one sweep (a count or a list). */
  seedsPerSweep: 1000,
  /**
   * A job's wall-clock limit, in minutes (14 days). Node's timers hold at most 2³¹−1 ms (24.8 days): past that a
   * timeout fires after 1 ms, so every job would "time out".
   */
  timeoutMinutes: 20_160,
  /** Lanes (job threads) of one process: `sweep run --lanes`, `worker --cpus`. */
  lanesPerProcess: 256,
  /** GPUs of one worker host (`--gpus`): a lane process each. */
  gpusPerWorker: 64,
  /** Jobs at a time on one GPU (`--jobs-per-gpu`). */
  jobsPerGpu: 64,
  /** A job unheard of for this long goes to another worker (`--ack-wait`, seconds): one day. */
  ackWaitSeconds: 86_400,
  /** Deliveries of a job before the queue gives up on it (`--max-deliver`). */
  maxDeliver: 100,
  /** One text option of a job (a path, a case name, a label): Linux's PATH_MAX. */
  optionTextChars: 4096,
  /** A failure reason carried in a result. */
  reasonChars: 4096,
  /** The largest message this system sends; nats-server's default max_payload is 1 MiB. */
  messageBytes: 256 * 1024,
  /**
   * A job's artifact, deflated (protocol/artifact.ts): 8 MiB holds a 512×512 grid's six arrays. Past it the job's
   * result is kept without its pictures, with the reason logged.
   */
  artifactBytes: 8 * 2 ** 20,
  /** One part of an artifact: its base64 (4/3 as long) and the message around it stay under messageBytes. */
  artifactPartBytes: 160 * 1024,
} as const;
