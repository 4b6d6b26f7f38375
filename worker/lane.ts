// A lane: the job slots of one device. Its jobs run in a piscina pool of `slots` threads; a thread that
// crashes (an abort, out of memory, process.exit) fails its job with the reason and is replaced.
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { JobOptions, ProblemModule } from '../protocol/index.js';
import type { ThreadOutcome, ThreadProgress, ThreadTask } from './job-thread.js';
import { resolveDataRoots } from './data-roots.js';

export interface LaneOptions {
  /** e.g. "cpu0" or "gpu3". */
  name: string;
  /** What the jobs run on: "cpu" or "cuda:3". */
  device: string;
  /** Jobs at a time (threads). */
  slots: number;
  /** Extra environment for the threads (the lane's process already has CUDA_VISIBLE_DEVICES). */
  env?: Record<string, string>;
  /** Folders a job's file options may point into (default: the working folder); see data-roots.ts. */
  dataRoots?: string[];
  /** The operator's own problems (`worker --problems DIR`), by name: a job may name them, never bring code. */
  problems?: readonly ProblemModule[];
}

export class Lane {
  readonly name: string;
  readonly device: string;
  readonly slots: number;
  private readonly pool: Piscina;
  private readonly dataRoots: string[];
  private readonly problems: ProblemModule[];

  constructor(options: LaneOptions) {
    this.name = options.name;
    this.device = options.device;
    this.slots = options.slots;
    this.dataRoots = resolveDataRoots(options.dataRoots ?? [process.cwd()]);
    this.problems = [...(options.problems ?? [])];
    this.pool = new Piscina({
      filename: new URL('./job-thread.js', import.meta.url).href,
      minThreads: 0,
      maxThreads: options.slots,
      // One job per thread at a time: a training job owns its thread's TensorFlow engine.
      concurrentTasksPerWorker: 1,
      idleTimeout: 60_000,
      env: { ...process.env, ...options.env } as Record<string, string>,
    });
  }

  /**
   * Runs one job in a thread of the pool. Past `timeoutMs`, or when `stop` aborts (its reason a string), the
   * thread is terminated and the job failed with the reason.
   */
  async run(options: JobOptions, onProgress: (progress: ThreadProgress) => void, limits: { timeoutMs?: number; stop?: AbortSignal; inputs?: Record<string, string>; keepWeights?: boolean } = {}): Promise<ThreadOutcome> {
    // The signals before the channel: nothing to close if a limit is refused (a port left open keeps the process up).
    const timeout = limits.timeoutMs === undefined ? undefined : AbortSignal.timeout(limits.timeoutMs);
    const signals = [timeout, limits.stop].filter((s): s is AbortSignal => s !== undefined);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (progress: ThreadProgress) => onProgress(progress));
    try {
      return (await this.pool.run({ options, port: port2, dataRoots: this.dataRoots, problems: this.problems, inputs: limits.inputs, keepWeights: limits.keepWeights ?? false } satisfies ThreadTask, { transferList: [port2], ...(signal ? { signal } : {}) })) as ThreadOutcome;
    } catch (error) {
      if (limits.stop?.aborted) return { status: 'failed', reason: String(limits.stop.reason), metrics: null };
      if (timeout?.aborted) return { status: 'failed', reason: `timed out after ${formatSeconds(limits.timeoutMs! / 1000)} (the sweep's timeout-minutes)`, metrics: null };
      return { status: 'failed', reason: `the job's thread died: ${(error as Error).message.split('\n')[0]}`, metrics: null };
    } finally {
      port1.close();
    }
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}

const formatSeconds = (seconds: number) => (seconds < 120 ? `${+seconds.toFixed(1)} s` : `${+(seconds / 60).toFixed(1)} min`);
