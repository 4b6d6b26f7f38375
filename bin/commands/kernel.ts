import type { Command } from 'commander';

export function registerKernelCommand(program: Command): void {
  program.command('kernel').description('print mollifier kernel weights (being built)');
}
