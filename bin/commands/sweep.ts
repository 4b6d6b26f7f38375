// `mollifier sweep run|table|status|cancel`: the orchestrator's commands. Without --nats, `run` composes the
// embedded mode: an in-process transport and this process's own lanes (no server).
import type { Command } from 'commander';
import { openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { limits, problemModulesIn } from '../../protocol/index.js';
import { readSpec } from '../../orchestrator/spec.js';
import { ResultStore } from '../../orchestrator/store.js';
import { runSweep } from '../../orchestrator/sweep-runner.js';
import { groupStatistics } from '../../orchestrator/statistics.js';
import { formatTable, runsCsv, tableFormats, type TableFormat } from '../../orchestrator/table.js';
import { logger } from '../../mollifier/core.js';
import { SweepMetrics, serveMetrics } from '../../orchestrator/metrics.js';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDataRoot, dataRootHelp, dataRootsOf, parseChoice, parseCount, parseInteger, parsePositive } from '../parse.js';
import { logTo } from '../logging.js';
import { ConsoleLogSink, SweepConsole } from '../sweep-console.js';
import { UsageError } from '../usage-error.js';
import { registerNatsOptions, type NatsCliOptions } from './nats-options.js';
import { embeddedLaneNames, openSweepTransport } from './sweep-transport.js';
import { registerSweepCancel } from './sweep-cancel.js';
import { registerSweepWeights } from './sweep-weights.js';
import { collectProblemsDir, problemsHelp } from '../problems.js';
import { defaultStore, openTarget, storeTarget, type StoreTargetOptions } from './sweep-store.js';
import { checkOutputDir } from '../output.js';

interface RunOptions extends NatsCliOptions {
  dataRoot: string[];
  problems: string[];
  store?: string;
  lanes?: number;
  retryFailed?: boolean;
  table: boolean;
  metricsPort?: number;
  metricsHost: string;
  linger: number;
  report?: string;
  logFile?: string;
  progressEvery: number;
}

interface TableOptions extends StoreTargetOptions {
  format: TableFormat;
  runs?: boolean;
}

interface StatusOptions extends StoreTargetOptions {
  json?: boolean;
}

function openStore(path: string, mustExist: boolean): ResultStore {
  return new ResultStore(path, { create: !mustExist });
}

/** Why jobs failed or diverged, most common first: "3 failed: cancelled: wrong grid". */
function reasonLines(jobs: ReturnType<ResultStore['jobs']>): string[] {
  const tally = new Map<string, number>();
  for (const job of jobs) {
    if (job.status !== 'failed' && job.status !== 'diverged') continue;
    const key = `${job.status}: ${(job.reason ?? 'no reason recorded').split('\n')[0]!.slice(0, 160)}`;
    tally.set(key, (tally.get(key) ?? 0) + 1);
  }
  return [...tally].sort((a, b) => b[1] - a[1]).map(([key, n]) => `${n} ${key}`);
}

export function registerSweepCommand(program: Command): void {
  const sweep = program.command('sweep').description('sweeps of training jobs: run, statistics, status, cancel');
  registerNatsOptions(
    sweep
      .command('run')
      .description('run every job of a sweep spec (YAML); resumes from the store; embedded lanes unless --nats')
      .argument('<spec>', 'sweep spec (YAML)')
      .option('--store <file>', 'SQLite results store (default results/<name>.sqlite)')
      .option('--lanes <n>', `embedded mode: job lanes in this process (default: CPU cores; at most ${limits.lanesPerProcess})`, parseCount('--lanes', limits.lanesPerProcess))
      .option('--data-root <dir>', `embedded mode: ${dataRootHelp}`, collectDataRoot, [] as string[])
      .option('--problems <dir>', `${problemsHelp}; with --nats only fingerprinted here (each worker's operator loads them with \`mollifier worker --problems\`)`, collectProblemsDir, [] as string[])
      .option('--retry-failed', 'run the failed jobs again')
      .option('--no-table', 'do not print the statistics table at the end')
      .option('--report <dir>', 'write the sweep\'s report (index.html and its charts, as `mollifier report --store`) into this folder at the end')
      .option('--metrics-port <port>', 'serve Prometheus metrics on this port (/metrics)', parseInteger('--metrics-port'))
      .option('--metrics-host <address>', 'address the metrics endpoint binds', '127.0.0.1')
      .option('--linger <seconds>', 'keep the metrics endpoint up this long after the sweep ends', parseInteger('--linger'), 0)
      .option('--log-file <file>', 'append the log (JSON lines) to this file; on a terminal the default is <store>.log, and only warnings and errors show above the progress lines')
      .option('--progress-every <seconds>', 'off a terminal: print a progress line this often', parsePositive('--progress-every'), 10),
  ).action(async (specPath: string, options: RunOptions) => {
    const problems = problemModulesIn(options.problems);
    const spec = readSpec(specPath, { problems });
    if (options.nats && options.lanes !== undefined) throw new UsageError('--lanes is for the embedded mode; with --nats, start workers with `mollifier worker`');
    if (options.nats && options.dataRoot.length) throw new UsageError('--data-root is for the embedded mode; with --nats, each worker\'s operator sets `mollifier worker --data-root`');
    if (options.metricsPort !== undefined && !(options.metricsPort >= 0 && options.metricsPort < 65536)) throw new UsageError(`--metrics-port ${options.metricsPort} must be a port number`);
    if (options.linger < 0) throw new UsageError(`--linger ${options.linger} must be ≥ 0`);
    if (options.report !== undefined) checkOutputDir(options.report, '--report', 'index.html');
    const store = openStore(options.store ?? defaultStore(spec.name), false);
    const tty = Boolean(process.stderr.isTTY);
    const laneNames = options.nats ? undefined : embeddedLaneNames(options.lanes);
    // The store as it was before this run plans anything: what had ended, and how long each job took (the ETA's first data).
    const sweepConsole = new SweepConsole({ sweep: spec.name, jobs: spec.jobs, stored: store.jobs(spec.name), retryFailed: Boolean(options.retryFailed), ...(laneNames ? { lanes: laneNames } : {}), tty, progressEvery: options.progressEvery });
    const logFile = options.logFile ?? (tty ? `${store.path}.log` : undefined);
    if (logFile !== undefined) {
      let fd: number;
      try {
        fd = openSync(logFile, 'a');
      } catch (error) {
        store.close();
        throw new UsageError(`log file ${logFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      logTo(new ConsoleLogSink(sweepConsole, fd, tty, tty));
      if (tty) process.stderr.write(`sweep ${spec.name}: log in ${logFile}; warnings and errors also here\n`);
    }
    const log = logger().child({ sweep: spec.name });
    let metrics: SweepMetrics | undefined;
    let metricsServer: Server | undefined;
    if (options.metricsPort !== undefined) {
      metrics = new SweepMetrics();
      try {
        metricsServer = await serveMetrics(metrics.registry, options.metricsPort, options.metricsHost);
      } catch (error) {
        store.close();
        throw new UsageError((error as Error).message);
      }
      const address = metricsServer.address() as AddressInfo;
      log.info({ metrics: `http://${address.address}:${address.port}/metrics` }, `metrics on http://${address.address}:${address.port}/metrics`);
    }
    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    process.once('SIGTERM', onSigint);
    const dataRoots = options.nats ? [] : dataRootsOf(options.dataRoot);
    const { transport, stopWorkers } = await openSweepTransport(options, { laneNames: laneNames ?? [], dataRoots, problems }, log);
    // An internal error ends the process without the finally below: the terminal gets its cursor back all the same.
    const stopConsole = () => sweepConsole.stop();
    process.once('exit', stopConsole);
    try {
      const outcome = await runSweep({
        spec, specText: readFileSync(specPath, 'utf8'), store, transport, log, signal: controller.signal, retryFailed: Boolean(options.retryFailed), ...(metrics ? { metrics } : {}),
        onUpdate: (update) => sweepConsole.update(update), onProgress: (progress) => sweepConsole.progress(progress), onHeartbeat: (heartbeat) => sweepConsole.heartbeat(heartbeat), onJobEnded: (job) => sweepConsole.jobEnded(job),
      });
      sweepConsole.stop();
      const c = outcome.counts;
      if (outcome.lostTo) {
        const by = outcome.lostTo;
        process.stderr.write(`sweep ${spec.name} stopped: an orchestrator on ${by.host} (pid ${by.pid}, store ${by.store}) took it over while this one had lost the server; ${c.done + c.failed + c.diverged + c.stopped}/${c.total} jobs ended in ${store.path}\n`);
        process.exitCode = 1;
        return;
      }
      if (outcome.refused) process.stderr.write(`sweep ${spec.name}: ${outcome.refused} results refused (not of this run, or without their job's ticket): see the log\n`);
      if (outcome.interrupted) {
        // runSweep has returned, so nothing here writes the store again: its running jobs are abandoned (this
        // process's lanes stop below) or, over NATS, may still end on a worker and be recorded on resume.
        const requeued = store.requeueRunning(spec.name);
        const back = requeued ? `, ${requeued} running put back in the queue` : '';
        process.stderr.write(`sweep ${spec.name} interrupted: ${c.done + c.failed + c.diverged + c.stopped}/${c.total} jobs ended${back}, stored in ${store.path}; run the same command again to resume\n`);
        process.exitCode = 130;
        return;
      }
      if (outcome.cancelled) process.stderr.write(`sweep ${spec.name} was cancelled (\`sweep cancel\`); \`sweep run --retry-failed\` runs its failed jobs again\n`);
      process.stderr.write(`sweep ${spec.name}: ${c.done} done, ${c.failed} failed, ${c.diverged} diverged${c.stopped ? `, ${c.stopped} stopped early` : ''} of ${c.total} (${outcome.ended} ran now, ${outcome.skipped} already ended); store ${store.path}\n`);
      if (options.table) process.stdout.write(formatTable(groupStatistics(store.jobs(spec.name)), 'md'));
      if (options.report !== undefined) {
        // Loaded only here: the charts' libraries are not every sweep's start-up cost.
        const { writeSweepReport } = await import('./report.js');
        await writeSweepReport(store, spec.name, options.report);
        process.stdout.write(`\nreport: ${join(options.report, 'index.html')}\n`);
      }
      if (metricsServer && options.linger > 0) {
        log.info({ linger: options.linger }, `metrics stay up for ${options.linger} s`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, options.linger * 1000);
          controller.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
        });
      }
    } finally {
      sweepConsole.stop();
      process.off('exit', stopConsole);
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
      await stopWorkers();
      await transport.close();
      store.close();
      metricsServer?.close();
    }
  });

  registerSweepCancel(sweep);
  registerSweepWeights(sweep);

  const specHelp = 'sweep spec (YAML): its sweep, in its store (results/<name>.sqlite unless --store)';
  sweep
    .command('table')
    .description('per group: n, mean, standard deviation and 95 % interval of every metric (Fisher z for correlations); --runs: one CSV row per job')
    .argument('[spec]', specHelp)
    .option('--store <file>', 'SQLite results store (default with a spec: results/<name>.sqlite)')
    .option('--sweep <name>', 'only this sweep of the store (a spec names its own)')
    .option('--problems <dir>', `${problemsHelp}; for a spec that names them`, collectProblemsDir, [] as string[])
    .option('--format <format>', tableFormats.join(', '), parseChoice('--format', tableFormats), 'md')
    .option('--runs', 'one CSV row per job instead of per group: options that vary, status, where and how long it ran, every metric, reason')
    .action((specPath: string | undefined, options: TableOptions, command: Command) => {
      if (options.runs && command.getOptionValueSource('format') !== 'default' && options.format !== 'csv') {
        throw new UsageError(`--runs writes CSV (one row per job); --format ${options.format} is for the table of groups, and \`sweep status --json\` lists every job as JSON`);
      }
      const target = storeTarget('sweep table', specPath, options);
      const store = openTarget(target);
      try {
        const jobs = store.jobs(target.sweep);
        process.stdout.write(options.runs ? runsCsv(jobs) : formatTable(groupStatistics(jobs), options.format));
      } finally {
        store.close();
      }
    });

  sweep
    .command('status')
    .description('job counts by status; --json lists every job')
    .argument('[spec]', specHelp)
    .option('--store <file>', 'SQLite results store (default with a spec: results/<name>.sqlite)')
    .option('--sweep <name>', 'only this sweep of the store (a spec names its own)')
    .option('--problems <dir>', `${problemsHelp}; for a spec that names them`, collectProblemsDir, [] as string[])
    .option('--json', 'print {"jobs": [...]} with every job')
    .action((specPath: string | undefined, options: StatusOptions) => {
      const target = storeTarget('sweep status', specPath, options);
      const store = openTarget(target);
      try {
        if (options.json) {
          const jobs = store.jobs(target.sweep).map((j) => ({ id: j.id, sweep: j.sweep, group: j.group, status: j.status, attempts: j.attempts, options: j.options, reason: j.reason, host: j.host, lane: j.lane, device: j.device, started_at: j.started_at, finished_at: j.finished_at, duration_s: j.duration_s, metrics: j.metrics }));
          process.stdout.write(`${JSON.stringify({ counts: store.counts(target.sweep), jobs }, null, 2)}\n`);
          return;
        }
        for (const name of target.sweep !== undefined ? [target.sweep] : store.sweeps()) {
          const c = store.counts(name);
          process.stdout.write(`${name}: ${c.total} jobs: ${c.done} done, ${c.failed} failed, ${c.diverged} diverged, ${c.stopped} stopped early, ${c.running} running, ${c.queued} queued\n`);
          for (const line of reasonLines(store.jobs(name))) process.stdout.write(`  ${line}\n`);
        }
      } finally {
        store.close();
      }
    });
}
