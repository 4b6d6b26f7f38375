// `mollifier report --result FILE --out DIR`: one train result as a page of charts (orchestrator/report/);
// `mollifier report table2`: docs/table2.md from a results store alone. The orchestrator's side: it reads files
// and the store and never loads TensorFlow.
import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { readTrainResult } from '../../orchestrator/report/result-file.js';
import { resultReport } from '../../orchestrator/report/result-report.js';
import { ResultStore } from '../../orchestrator/store.js';
import { table2Markdown } from '../../orchestrator/table2/report.js';
import { UsageError } from '../usage-error.js';
import { checkOutputPath, writeFilesAtomically } from '../output.js';

interface Table2Options {
  store: string;
  sweep: string[];
  out?: string;
}

interface ReportOptions {
  result?: string;
  out?: string;
}

/** `report --result FILE --out DIR`: checked before any chart is drawn; the files appear together or not at all. */
async function reportResult(options: ReportOptions): Promise<void> {
  if (!options.result) throw new UsageError('report: give --result FILE (a `mollifier train --out` result), or a subcommand (table2)');
  if (!options.out) throw new UsageError('report --result: give --out DIR, the folder to write index.html and the charts into');
  if (existsSync(options.out) && !statSync(options.out).isDirectory()) throw new UsageError(`--out ${options.out}: is a file; give a folder`);
  checkOutputPath(join(options.out, 'index.html'));
  let result;
  try {
    result = readTrainResult(options.result);
  } catch (error) {
    throw new UsageError(`--result ${(error as Error).message}`);
  }
  const started = performance.now();
  const files = await resultReport(result, options.result, new Date());
  writeFilesAtomically(files.map((f) => ({ path: join(options.out!, f.name), text: f.text })));
  process.stdout.write(`wrote ${join(options.out, 'index.html')} (${files.length - 1} charts, ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
}

export function registerReportCommand(program: Command): void {
  const report = program
    .command('report')
    .description('reports: one train result as a page of charts (--result), or from a results store (subcommands)')
    .option('--result <file>', 'a `mollifier train --out` result: its fields, errors and losses as charts')
    .option('--out <dir>', 'folder for index.html and the charts (SVG)')
    .action((options: ReportOptions) => reportResult(options));
  report
    .command('table2')
    .description("the paper's Table 2 (PINN, PirateNet, PINNsFormer × autodiff / mollifier on the three problems) from a store of the examples/table2-*.yaml sweeps")
    .requiredOption('--store <file>', 'SQLite results store the sweeps ran into')
    .option('--sweep <name>', 'a sweep of the store to include (repeatable; default: every sweep)', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('--out <file.md>', 'write the report here (default: standard output)')
    // `report`'s own --out is parsed by `report` even after `table2`: optsWithGlobals merges it in.
    .action((_options: Table2Options, command: Command) => {
      const options = command.optsWithGlobals<Table2Options>();
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
