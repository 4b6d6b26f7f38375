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

// Library errors that mean "the input was bad", not "the program is broken". They carry a message that
// names the bad value, so the CLI prints it as one line and exits 2 instead of showing a stack trace.
const inputErrorNames = new Set(['UsageError', 'KernelError', 'LayerError', 'BackendError', 'ProblemError', 'AutodiffError', 'NetError', 'ModelError', 'MetricsError', 'SpecError', 'TransportError']);

function fail(message: string, code: number): never {
  process.stderr.write(`mollifier: ${message}\n`);
  process.exit(code);
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
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) process.exit(0);
      fail(error.message.replace(/^error: /, ''), 2);
    }
    if (error instanceof Error && inputErrorNames.has(error.name)) fail(error.message, 2);
    throw error;
  }
}

await main(process.argv.slice(2));
