// The piscina worker entry: runs one job in this thread and returns how it ended. Progress goes through the
// MessagePort the lane hands over. TensorFlow loads on the first train job, not at thread start, so a
// no-op lane never pays for it and a load failure is a failed job, not a thread that respawns in a loop.
import type { MessagePort } from 'node:worker_threads';
import { fingerprintPath, isBuiltinProblem, type JobOptions, type ProblemModule } from '../protocol/index.js';
import { noopArtifact, trainArtifact } from './artifact.js';
import { changedInput, publicReadError, refusedFile } from './data-roots.js';
import { logger } from '../mollifier/core.js';

export interface ThreadTask {
  options: JobOptions;
  port: MessagePort;
  /** Resolved folders the job's file options must lie in (data-roots.ts). */
  dataRoots: string[];
  /** The operator's own problems (`worker --problems DIR`). */
  problems: ProblemModule[];
  /** The fingerprints the job was planned with (the job message's `inputs`). */
  inputs?: Record<string, string> | undefined;
  /** Send the trained weights with the artifact (the job message's `keep_weights`). */
  keepWeights?: boolean;
}

export interface ThreadProgress {
  epoch: number;
  epochs: number;
  loss: number;
  lossData: number;
  lossPde: number;
  rate: number;
}

export interface ThreadOutcome {
  status: 'completed' | 'diverged' | 'failed' | 'stopped';
  reason?: string;
  metrics: Record<string, number | string | boolean | null> | null;
  /** The job's artifact, encoded (protocol/artifact.ts); absent when the job produced no fields. */
  artifact?: Uint8Array;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function runNoop(options: Extract<JobOptions, { kind: 'noop' }>, port: MessagePort): Promise<ThreadOutcome> {
  const started = performance.now();
  const steps = Math.max(1, Math.min(10, Math.floor(options['duration-ms'] / 100)));
  for (let step = 1; step <= steps; step++) {
    await sleep(options['duration-ms'] / steps);
    port.postMessage({ epoch: step, epochs: steps, loss: options['loss-scale'] / step, lossData: options['loss-scale'] / step, lossPde: 0, rate: step / Math.max(1e-3, (performance.now() - started) / 1000) } satisfies ThreadProgress);
  }
  // Outcomes that end a thread or the whole worker exist for the tests of those paths only: a spec cannot ask a
  // worker for them unless its operator started it with MOLLIFIER_TEST_JOBS=1.
  if ((options.outcome === 'crash' || options.outcome === 'kill-process') && process.env.MOLLIFIER_TEST_JOBS !== '1') {
    return { status: 'failed', reason: `outcome '${options.outcome}' is for tests only; this worker refuses it (MOLLIFIER_TEST_JOBS is not set)`, metrics: null };
  }
  // A crash of the thread itself, as an out-of-memory abort would be: the lane must survive it.
  if (options.outcome === 'crash') process.exit(70);
  if (options.outcome === 'kill-process') process.kill(process.pid, 'SIGKILL');
  if (options.outcome === 'failed') return { status: 'failed', reason: 'noop job asked to fail', metrics: null };
  const artifact = options['artifact-grid'] > 0 ? noopArtifact(options['artifact-grid'], options.seed, steps, String(options.label ?? '')) : undefined;
  return { status: 'completed', metrics: { duration_ms: performance.now() - started, seed: options.seed }, ...(artifact ? { artifact } : {}) };
}

/**
 * The module of a problem this worker's operator loaded, checked against the one the sweep was planned with
 * (its id covers the module's bytes); or why the job cannot run here.
 */
function ownProblem(name: string, problems: readonly ProblemModule[], planned: string | undefined): ProblemModule | string {
  const own = problems.find((m) => m.name === name);
  if (!own) return `problem '${name}' is not loaded on this worker (its operator starts it with --problems DIR holding ${name}.mjs)`;
  const here = fingerprintPath(own.file);
  if (planned !== undefined && here !== planned) {
    return `problem '${name}': this worker's ${own.file} differs from the module the sweep was planned with (sha256 ${here.slice(0, 12)}… here, ${planned.slice(0, 12)}… planned)`;
  }
  return { ...own, digest: here };
}

async function runTrain(options: Extract<JobOptions, { kind: 'train' }>, port: MessagePort, task: ThreadTask): Promise<ThreadOutcome> {
  const own = isBuiltinProblem(options.pde) ? undefined : ownProblem(options.pde, task.problems, task.inputs?.problem);
  const refused = (typeof own === 'string' ? own : null) ?? refusedFile(options, task.dataRoots) ?? changedInput(options, task.inputs);
  if (refused) return { status: 'failed', reason: refused, metrics: null };
  const [{ runJob }, { loadProblem }, { jobConfigOf, flattenMetrics }] = await Promise.all([import('../mollifier/index.js'), import('../mollifier/index.js'), import('./job-config.js')]);
  const module = own as ProblemModule | undefined;
  const problem = module ? await loadProblem(module.file, { name: module.name, version: module.digest }) : undefined;
  const result = await runJob({ ...jobConfigOf(options), ...(problem ? { problem } : {}) }, {
    keepWeights: task.keepWeights ?? false,
    onProgress: (p) => port.postMessage({ epoch: p.epoch, epochs: p.epochs, loss: p.loss, lossData: p.lossData, lossPde: p.lossPde, rate: p.rate } satisfies ThreadProgress),
  });
  let artifact: Uint8Array | undefined;
  try {
    artifact = trainArtifact(result);
  } catch (error) {
    // Too large to send (limits.ts): the scalars still go; the pictures are what is lost.
    logger().warn({ err: (error as Error).message }, 'job artifact not sent');
  }
  return {
    status: result.status,
    ...(result.reason ? { reason: result.reason } : {}),
    metrics: result.metrics ? flattenMetrics(result.metrics) : null,
    ...(artifact ? { artifact } : {}),
  };
}

export default async function runTask(task: ThreadTask): Promise<ThreadOutcome> {
  try {
    return task.options.kind === 'noop' ? await runNoop(task.options, task.port) : await runTrain(task.options, task.port, task);
  } catch (error) {
    // Bad options (the science library's checks), out of memory in the backend, any error of the job itself.
    const message = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
    // An error naming one of the job's files may quote it: published by option and path only.
    const hidden = publicReadError(task.options, message);
    if (hidden) {
      logger().warn({ reason: hidden }, `job file error (kept in this log, not published): ${message.split('\n')[0]}`);
      return { status: 'failed', reason: hidden, metrics: null };
    }
    return { status: 'failed', reason: message.split('\n')[0]!.slice(0, 500), metrics: null };
  } finally {
    task.port.close();
  }
}
