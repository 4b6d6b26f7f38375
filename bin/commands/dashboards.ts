// `mollifier dashboards`: writes the Grafana dashboard JSON from dashboards/definitions.ts.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { writeDashboards } from '../../dashboards/build.js';
import { UsageError } from '../usage-error.js';

export function registerDashboardsCommand(program: Command): void {
  program
    .command('dashboards')
    .description('write the Grafana dashboards (JSON) from their typed definitions')
    .option('--out <folder>', 'where to write them', 'dashboards')
    .action((options: { out: string }) => {
      if (!existsSync(options.out)) throw new UsageError(`--out ${options.out}: no such folder`);
      for (const path of writeDashboards(options.out)) process.stderr.write(`wrote ${path}\n`);
    });
}
