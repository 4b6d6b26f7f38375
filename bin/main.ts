import { Command, CommanderError } from 'commander';
import { UsageError } from './usage-error.js';
import { configureLogging, logLevels } from './logging.js';
import { registerKernelCommand } from './commands/kernel.js';
import { registerBenchCommand } from './commands/bench.js';
import { registerSimulateCommand } from './commands/simulate.js';
import { registerEstimateCommand } from './commands/estimate.js';
import { registerTrainCommand } from './commands/train.js';
import { registerSweepCommand } from './commands/sweep.js';
import { registerWorkerCommand } from './commands/worker.js';
import { registerDashboardsCommand } from './commands/dashboards.js';
import { registerBackendsCommand } from './commands/backends.js';
import { registerNatsConfigCommand } from './commands/nats-config.js';

// Library errors that mean "the input was bad", not "the program is broken". They carry a message that
// names the bad value, so the CLI prints it as one line and exits 2 instead of showing a stack trace.
const inputErrorNames = new Set(['UsageError', 'KernelError', 'LayerError', 'BackendError', 'ProblemError', 'AutodiffError', 'NetError', 'ModelError', 'MetricsError', 'SpecError', 'TransportError', 'StoreError', 'SweepTakenError']);

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

export async function main(argv: string[]): Promise<void> {
  const program = new Command('mollifier')
    .description('Mollifier layers: kernel derivatives for physics-informed networks')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined })
    .option('--log-level <level>', `log level: ${logLevels.join(', ')} (default $MOLLIFIER_LOG_LEVEL or info)`)
    .hook('preAction', (command) => configureLogging(command.opts<{ logLevel?: string }>().logLevel));
  registerKernelCommand(program);
  registerSimulateCommand(program);
  registerEstimateCommand(program);
  registerTrainCommand(program);
  registerBenchCommand(program);
  registerSweepCommand(program);
  registerWorkerCommand(program);
  registerDashboardsCommand(program);
  registerBackendsCommand(program);
  registerNatsConfigCommand(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) process.exit(0);
      // A command group named without a subcommand ("mollifier sweep"): commander's help goes nowhere here.
      if (error.code === 'commander.help') fail(missingSubcommand(program, argv), 2);
      fail(error.message.replace(/^error: /, ''), 2);
    }
    if (error instanceof Error && inputErrorNames.has(error.name)) fail(error.message, 2);
    throw error;
  }
}

await main(process.argv.slice(2));
