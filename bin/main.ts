import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { protocolVersion } from '../protocol/version.js';
import { InputError } from '../mollifier/core.js';
import { configureLogging, logLevels } from './logging.js';

// Each command's module is loaded only when that command runs (all of them for top-level help): the
// orchestrator's commands (`sweep`, `nats-config`, `dashboards`) never load TensorFlow.js.
type Register = (program: Command) => void;
const commandModules: Record<string, () => Promise<Register>> = {
  kernel: async () => (await import('./commands/kernel.js')).registerKernelCommand,
  simulate: async () => (await import('./commands/simulate.js')).registerSimulateCommand,
  estimate: async () => (await import('./commands/estimate.js')).registerEstimateCommand,
  train: async () => (await import('./commands/train.js')).registerTrainCommand,
  bench: async () => (await import('./commands/bench.js')).registerBenchCommand,
  sweep: async () => (await import('./commands/sweep.js')).registerSweepCommand,
  worker: async () => (await import('./commands/worker.js')).registerWorkerCommand,
  dashboards: async () => (await import('./commands/dashboards.js')).registerDashboardsCommand,
  backends: async () => (await import('./commands/backends.js')).registerBackendsCommand,
  'nats-config': async () => (await import('./commands/nats-config.js')).registerNatsConfigCommand,
  report: async () => (await import('./commands/report.js')).registerReportCommand,
  storm: async () => (await import('./commands/storm.js')).registerStormCommand,
  'storm-simulate': async () => (await import('./commands/storm-simulate.js')).registerStormSimulate,
};

/** The command the arguments name (the first word that is not an option or --log-level's value). */
function commandNamed(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--log-level') i++;
    else if (!word.startsWith('-')) return word;
  }
  return undefined;
}

function fail(message: string, code: number): never {
  process.stderr.write(`mollifier: ${message}\n`);
  process.exit(code);
}

/** "sweep needs a subcommand: run, table, status, cancel" for the deepest command group the arguments name. */
function missingSubcommand(program: Command, argv: string[]): string {
  let command = program;
  for (const word of argv) {
    const next = command.commands.find((c) => c.name() === word);
    if (!next) break;
    command = next;
  }
  const names = command.commands.map((c) => c.name());
  return `${command === program ? 'mollifier' : command.name()} needs a subcommand: ${names.join(', ')} (mollifier ${command === program ? '' : `${command.name()} `}--help)`;
}

/** What `--version` prints: the package, the wire protocol it speaks and the TensorFlow.js it is pinned to. */
function versionLine(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string; peerDependencies?: Record<string, string> };
  return `${pkg.name} ${pkg.version} (protocol ${protocolVersion}, TensorFlow.js ${pkg.peerDependencies?.['@tensorflow/tfjs-core'] ?? 'unknown'}, node ${process.version})`;
}

export async function main(argv: string[]): Promise<void> {
  const program = new Command('mollifier')
    .description('Mollifier layers: kernel derivatives for physics-informed networks')
    .version(versionLine(), '-V, --version', 'print the version and exit')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined })
    .option('--log-level <level>', `log level: ${logLevels.join(', ')} (default $MOLLIFIER_LOG_LEVEL or info)`)
    .hook('preAction', (command) => configureLogging(command.opts<{ logLevel?: string }>().logLevel));
  const named = commandNamed(argv);
  for (const name of named !== undefined && named in commandModules ? [named] : Object.keys(commandModules)) (await commandModules[name]!())(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) process.exit(0);
      // A command group named without a subcommand ("mollifier sweep"): commander's help goes nowhere here.
      if (error.code === 'commander.help') fail(missingSubcommand(program, argv), 2);
      fail(error.message.replace(/^error: /, ''), 2);
    }
    // Bad input (its message names the bad value): one line and exit 2, not a stack trace.
    if (error instanceof InputError) fail(error.message, 2);
    internalError(error);
  }
}

/** Anything else is ours (or the runtime's): one line and exit 1; MOLLIFIER_DEBUG=1 shows the stack. */
function internalError(error: unknown): never {
  if (process.env.MOLLIFIER_DEBUG === '1') throw error;
  const message = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
  // The wasm backend's heap (4 GiB at most) ran out: say what to change. A full heap aborts the backend's own
  // kernels ("Aborted()"); a native one refuses the allocation (mollifier/backend/native/kernels.ts: "out of memory").
  const change = 'lower --collocation-batch, --grid or --epochs, or train on another backend';
  const hint = /out of memory: the wasm heap/.test(message)
    ? `; ${change}`
    : /memory access out of bounds|out of memory|Cannot enlarge memory/i.test(message)
      ? `: the backend ran out of memory; ${change}`
      : /RuntimeError: Aborted\(/.test(message)
        ? `: the wasm backend aborted, most often because its 4 GiB heap is full; ${change}`
        : '';
  fail(`failed: ${message}${hint} (MOLLIFIER_DEBUG=1 shows where)`, 1);
}

// An error thrown outside the command's promise (a callback of a native or wasm module) ends the same way.
process.on('uncaughtException', (error) => internalError(error));

await main(process.argv.slice(2));
