// `mollifier report table2`: docs/table2.md from a results store alone. The orchestrator's side: it reads the
// store and never loads TensorFlow.
import type { Command } from 'commander';
import { extname } from 'node:path';
import { ResultStore } from '../../orchestrator/store.js';
import { table2Markdown } from '../../orchestrator/table2/report.js';
import { UsageError } from '../usage-error.js';
import { checkOutputPath, writeFilesAtomically } from '../output.js';

interface Table2Options {
  store: string;
  sweep: string[];
  out?: string;
}

export function registerReportCommand(program: Command): void {
  const report = program.command('report').description('reports read from a results store');
  report
    .command('table2')
    .description("the paper's Table 2 (PINN, PirateNet, PINNsFormer × autodiff / mollifier on the three problems) from a store of the examples/table2-*.yaml sweeps")
    .requiredOption('--store <file>', 'SQLite results store the sweeps ran into')
    .option('--sweep <name>', 'a sweep of the store to include (repeatable; default: every sweep)', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('--out <file.md>', 'write the report here (default: standard output)')
    .action((options: Table2Options) => {
      if (options.out !== undefined) {
        if (extname(options.out) !== '.md') throw new UsageError(`--out ${options.out}: the report is Markdown, name it .md`);
        checkOutputPath(options.out);
      }
      const store = new ResultStore(options.store, { create: false });
      try {
        const known = store.sweeps();
        const missing = options.sweep.find((name) => !known.includes(name));
        if (missing) throw new UsageError(`--sweep ${missing}: not in ${options.store} (it has ${known.join(', ') || 'no sweeps'})`);
        const rows = (options.sweep.length ? options.sweep : known).flatMap((name) => store.jobs(name));
        const command = ['mollifier report table2', `--store ${options.store}`, ...options.sweep.map((s) => `--sweep ${s}`), ...(options.out ? [`--out ${options.out}`] : [])].join(' ');
        const text = table2Markdown(rows, { command, storePath: options.store, generated: new Date() });
        if (options.out) {
          writeFilesAtomically([{ path: options.out, text }]);
          process.stdout.write(`wrote ${options.out} (${rows.length} runs)\n`);
        } else process.stdout.write(text);
      } finally {
        store.close();
      }
    });
}
