// `mollifier worker`: pulls jobs from NATS and runs them. --cpus N: N lanes of threads in this process.
// --gpus LIST: one process per GPU (pinned before TensorFlow loads: worker/gpu-pinning.ts), each with a pool
// of --jobs-per-gpu threads; this process supervises them and restarts one that dies.
import { Option, type Command } from 'commander';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { logger } from '../../mollifier/core.js';
import { collectDataRoot, dataRootHelp, dataRootsOf, parseCount, parseInteger } from '../parse.js';
import { limits } from '../../protocol/index.js';
import { UsageError } from '../usage-error.js';
import { collectProblemsDir, problemsHelp } from '../problems.js';
import { natsOptionsOf, registerNatsOptions, type NatsCliOptions } from './nats-options.js';
import { findDeviceSelectLayer, gpuPciAddresses, laneGpuPinning, overrideManifestText, planDeviceSelect, readDeviceSelectManifest } from '../../worker/gpu-pinning.js';

interface WorkerCliOptions extends NatsCliOptions {
  dataRoot: string[];
  problems: string[];
  gpus?: string;
  cpus?: number;
  jobsPerGpu: number;
  laneGpu?: number;
  host?: string;
  ackWait: number;
  maxDeliver: number;
}

/** "0-3,6" → [0, 1, 2, 3, 6]. */
export function parseDeviceList(text: string): number[] {
  const out = new Set<number>();
  for (const part of text.split(',').map((p) => p.trim())) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!range) throw new UsageError(`--gpus '${text}': '${part}' is not a GPU index or range like 0-7`);
    const [from, to] = [Number(range[1]), Number(range[2] ?? range[1])];
    if (to < from) throw new UsageError(`--gpus '${text}': range ${part} runs backwards`);
    if (to - from + 1 + out.size > limits.gpusPerWorker) throw new UsageError(`--gpus '${text}': ${to - from + 1 + out.size} GPUs; at most ${limits.gpusPerWorker} per worker`);
    for (let i = from; i <= to; i++) out.add(i);
  }
  return [...out].sort((a, b) => a - b);
}

async function runLanes(options: WorkerCliOptions, specs: Array<{ name: string; device: string; slots: number }>): Promise<void> {
  const problems = options.problems.length ? await (await import('../problems.js')).checkedProblemModules(options.problems) : [];
  const lanes = specs.map((l) => ({ ...l, dataRoots: dataRootsOf(options.dataRoot), problems }));
  const host = options.host ?? hostname();
  const log = logger().child({ role: 'worker', host });
  if (problems.length) log.info({ problems: problems.map((m) => ({ name: m.name, file: m.file, sha256: m.digest })) }, `problems of this worker's own: ${problems.map((m) => m.name).join(', ')}`);
  const [{ NatsWorkerTransport }, { WorkerNode }, { Lane }] = await Promise.all([import('../../protocol/nats/index.js'), import('../../worker/node.js'), import('../../worker/lane.js')]);
  const transport = await NatsWorkerTransport.connect(natsOptionsOf(options), {
    queue: { ackWaitMs: options.ackWait * 1000, maxDeliver: options.maxDeliver },
    onInvalid: (subject, reason) => log.warn({ subject, reason }, `ignored an invalid message on ${subject}: ${reason}`),
    onRetry: (reason) => log.warn({ reason }, `pulling jobs failed (${reason}); retrying`),
  });
  const { ackWaitMs, maxDeliver } = transport.queue;
  if (ackWaitMs !== options.ackWait * 1000 || maxDeliver !== options.maxDeliver) {
    log.warn({ ackWaitMs, maxDeliver }, `the job queue already exists with ack_wait ${ackWaitMs / 1000} s and max_deliver ${maxDeliver}; those apply, not --ack-wait ${options.ackWait} / --max-deliver ${options.maxDeliver}`);
  }
  // working() three times per ack_wait in force, so a running job is never redelivered.
  const node = new WorkerNode(transport, { host, lanes: lanes.map((l) => new Lane(l)), heartbeatMs: Math.max(250, ackWaitMs / 3), log });
  const stop = () => {
    log.info({}, 'stopping: running jobs go back to the queue');
    void node.stop();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  log.info({ lanes: lanes.map((l) => `${l.name}×${l.slots}`) }, `worker on ${host}: ${lanes.length} lane(s), pulling from ${options.nats}`);
  await node.run();
}

function superviseGpuLanes(options: WorkerCliOptions, gpus: number[]): Promise<void> {
  const log = logger().child({ role: 'worker-supervisor' });
  const entry = fileURLToPath(new URL('../main.js', import.meta.url));
  // Secrets reach the lane processes through their environment, never their command line (visible in ps).
  const nats = natsOptionsOf(options);
  const secrets: Record<string, string> = {
    ...(nats.user !== undefined ? { MOLLIFIER_NATS_USER: nats.user, MOLLIFIER_NATS_PASS: nats.pass ?? '' } : {}),
    ...(nats.token !== undefined ? { MOLLIFIER_NATS_TOKEN: nats.token } : {}),
  };
  const passThrough = laneArguments(process.argv.slice(2), nats.servers);
  const children = new Map<number, ChildProcess>();
  let stopping = false;
  const addresses = gpuPciAddresses(process.env.MOLLIFIER_SYSFS_PCI ?? '/sys/bus/pci/devices');
  const vulkan = vulkanDeviceSelect();
  const pinning = new Map(gpus.map((gpu) => [gpu, laneGpuPinning(gpu, addresses, vulkan)]));
  for (const [gpu, { env, pciAddress }] of pinning) {
    log.info({ gpu, pci: pciAddress, env }, `lane gpu${gpu}: CUDA_VISIBLE_DEVICES=${gpu}${env.DRI_PRIME ? `, Vulkan device ${env.DRI_PRIME} (${vulkan.why})` : ''}`);
  }
  const unpinnable = gpus.filter((gpu) => !pinning.get(gpu)!.pciAddress);
  if (unpinnable.length) {
    log.warn({ gpus: unpinnable, found: addresses }, `no PCI address for GPU ${unpinnable.join(', ')} (${addresses.length} GPU(s) found in sysfs): webgpu lanes for them cannot be pinned and would share the first Vulkan device`);
  } else if (vulkan.mode === 'none') {
    log.warn({}, `webgpu lanes are not pinned and would all use the first GPU: ${vulkan.why}; set MOLLIFIER_DEVICE_SELECT_LAYER to a Mesa ≥ 25 layer manifest (README: Backends and GPU nodes)`);
  }
  return new Promise((resolve) => {
    const start = (gpu: number, restarts: number) => {
      const child = spawn(process.execPath, [entry, ...passThrough, '--lane-gpu', String(gpu)], {
        stdio: 'inherit',
        // Before TensorFlow or Dawn loads in the child: the only way to pin a process to a GPU.
        env: { ...process.env, ...secrets, ...pinning.get(gpu)!.env },
      });
      children.set(gpu, child);
      child.on('exit', (code, signal) => {
        children.delete(gpu);
        if (stopping) {
          if (children.size === 0) resolve();
          return;
        }
        const wait = Math.min(30_000, 1000 * 2 ** Math.min(restarts, 5));
        log.warn({ gpu, code, signal }, `lane gpu${gpu} exited (${signal ?? code}); restarting in ${wait / 1000} s`);
        setTimeout(() => start(gpu, restarts + 1), wait).unref();
      });
    };
    for (const gpu of gpus) start(gpu, 0);
    const stop = () => {
      stopping = true;
      for (const child of children.values()) child.kill('SIGTERM');
      if (children.size === 0) resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/**
 * The supervisor's arguments for a lane process: without --gpus, without the user, password and token (sent by
 * environment), and with the server list free of any user:password@.
 */
export function laneArguments(argv: readonly string[], servers: string): string[] {
  const dropped = new Set(['--gpus', '--nats-user', '--nats-pass', '--nats-token']);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i]!.split(/=(.*)/s) as [string, string | undefined];
    if (dropped.has(name)) {
      if (inline === undefined) i++;
      continue;
    }
    if (name === '--nats') {
      if (inline === undefined) i++;
      out.push('--nats', servers);
      continue;
    }
    out.push(argv[i]!);
  }
  return out;
}

/** The device-select plan for webgpu lanes; an override layer gets its manifest written to the user's cache. */
function vulkanDeviceSelect() {
  const overridePath = process.env.MOLLIFIER_DEVICE_SELECT_LAYER;
  const override = overridePath ? readDeviceSelectManifest(overridePath) : null;
  if (overridePath && !override?.manifest) throw new UsageError(`MOLLIFIER_DEVICE_SELECT_LAYER=${overridePath} is not a VK_LAYER_MESA_device_select manifest`);
  const dir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'mollifier', 'device-select-layer');
  const plan = planDeviceSelect(findDeviceSelectLayer(), override, dir, process.env);
  if (plan.mode === 'override') {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'VkLayer_MESA_device_select.json'), overrideManifestText(overridePath!));
  }
  return plan;
}

export function registerWorkerCommand(program: Command): void {
  registerNatsOptions(
    program
      .command('worker')
      .description('pull sweep jobs from NATS and run them: one lane per GPU (a process each) or N CPU lanes')
      .option('--gpus <list>', 'GPU indices, e.g. 0-7 or 0,2,4: one lane process per GPU')
      .option('--cpus <n>', `CPU lanes in this process (default: CPU cores; at most ${limits.lanesPerProcess})`, parseCount('--cpus', limits.lanesPerProcess))
      .option('--jobs-per-gpu <k>', `jobs at a time on each GPU (threads of its lane; at most ${limits.jobsPerGpu})`, parseCount('--jobs-per-gpu', limits.jobsPerGpu), 1)
      .option('--host <name>', 'host name recorded with results (default: this machine\'s)')
      .option('--ack-wait <seconds>', `a job not heard of for this long goes to another worker (at most ${limits.ackWaitSeconds})`, parseCount('--ack-wait', limits.ackWaitSeconds), 30)
      .option('--max-deliver <n>', `deliveries of a job before the queue gives up on it (at most ${limits.maxDeliver})`, parseCount('--max-deliver', limits.maxDeliver), 3)
      .option('--data-root <dir>', dataRootHelp, collectDataRoot, [] as string[])
      .option('--problems <dir>', problemsHelp, collectProblemsDir, [] as string[])
      .addOption(new Option('--lane-gpu <index>', 'internal: run one GPU lane').argParser(parseInteger('--lane-gpu')).hideHelp()),
  ).action(async (options: WorkerCliOptions) => {
    if (!options.nats) throw new UsageError('worker needs --nats <url> (without a server, `mollifier sweep run` runs its own lanes)');
    if (options.gpus !== undefined && options.cpus !== undefined) throw new UsageError('--gpus and --cpus exclude each other');
    if (options.laneGpu !== undefined) {
      // The device as this process sees it: the supervisor set CUDA_VISIBLE_DEVICES before anything loaded.
      const visible = process.env.CUDA_VISIBLE_DEVICES;
      if (visible !== String(options.laneGpu)) throw new UsageError(`--lane-gpu ${options.laneGpu} needs CUDA_VISIBLE_DEVICES=${options.laneGpu} (it is ${visible ?? 'unset'}); use --gpus`);
      await runLanes(options, [{ name: `gpu${options.laneGpu}`, device: `cuda:${visible}`, slots: options.jobsPerGpu }]);
      return;
    }
    if (options.gpus !== undefined) {
      await superviseGpuLanes(options, parseDeviceList(options.gpus));
      return;
    }
    const cpus = options.cpus ?? Math.min(availableParallelism(), limits.lanesPerProcess);
    await runLanes(options, Array.from({ length: cpus }, (_, i) => ({ name: `cpu${i}`, device: 'cpu', slots: 1 })));
  });
}
