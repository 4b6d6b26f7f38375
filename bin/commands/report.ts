// `mollifier report --result FILE --out DIR`: one train result as a page of charts (orchestrator/report/);
// `mollifier report table2`: docs/table2.md from a results store alone. The orchestrator's side: it reads files
// and the store and never loads TensorFlow.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { readTrainResult } from '../../orchestrator/report/result-file.js';
import { resultReport } from '../../orchestrator/report/result-report.js';
import { sweepReport } from '../../orchestrator/report/sweep-report.js';
import { ResultStore } from '../../orchestrator/store.js';
import { table2Markdown } from '../../orchestrator/table2/report.js';
import { UsageError } from '../usage-error.js';
import { checkOutputDir, checkOutputPath, writeFilesAtomically } from '../output.js';
import { openTarget, storeTarget } from './sweep-store.js';

interface Table2Options {
  store?: string;
  sweep: string[];
  out?: string;
  preface?: string;
}

/** The preface's text, read before any work; a missing or unreadable file is one line and exit 2. */
function readPreface(file: string): string {
  if (extname(file) !== '.md') throw new UsageError(`--preface ${file}: give a Markdown file (.md)`);
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--preface ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

interface ReportOptions {
  result?: string;
  store?: string;
  sweep: string[];
  out?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** `--out DIR` checked before any chart is drawn: a folder (made if missing) whose index.html can be written. */
function checkOutDir(out: string | undefined, what: string): string {
  if (!out) throw new UsageError(`report ${what}: give --out DIR, the folder to write index.html and the charts into`);
  return checkOutputDir(out, '--out', 'index.html');
}

async function runReport(specPath: string | undefined, options: ReportOptions): Promise<void> {
  if (options.result && (options.store || specPath)) throw new UsageError('report: give --result FILE, or a spec or --store FILE, not both');
  if (options.store || specPath) return reportStore(specPath, options);
  if (!options.result) throw new UsageError('report: give --store FILE (a sweep\'s results store), --result FILE (a `mollifier train --out` result), or a subcommand (table2)');
  if (options.sweep.length) throw new UsageError('report --result: --sweep is for --store');
  return reportResult(options);
}

/** `report [SPEC] [--store FILE] [--sweep NAME] --out DIR`: one sweep's page; the files appear together or not at all. */
async function reportStore(specPath: string | undefined, options: ReportOptions): Promise<void> {
  const out = checkOutDir(options.out, '--store');
  if (options.sweep.length > 1) throw new UsageError(`report --store: one sweep per page; --sweep was given ${options.sweep.length} times`);
  // A spec means its default store and its sweep, as for `sweep table` (sweep-store.ts).
  const target = storeTarget('report', specPath, { ...(options.store ? { store: options.store } : {}), ...(options.sweep[0] ? { sweep: options.sweep[0] } : {}) });
  const store = openTarget(target);
  try {
    const started = performance.now();
    const sweep = chooseSweep(store, target.path, target.sweep);
    const files = await writeSweepReport(store, sweep, out);
    process.stdout.write(`wrote ${join(out, 'index.html')} (sweep ${sweep}: ${files - 1} charts, ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  } finally {
    store.close();
  }
}

/** The sweep to report: the one named, or the store's only one. */
function chooseSweep(store: ResultStore, path: string, name: string | undefined): string {
  const known = store.sweeps();
  if (name !== undefined) {
    if (!known.includes(name)) throw new UsageError(`--sweep ${name}: not in ${path} (it has ${known.join(', ') || 'no sweeps'})`);
    return name;
  }
  if (known.length === 1) return known[0]!;
  throw new UsageError(known.length ? `--store ${path} holds ${known.length} sweeps (${known.join(', ')}): name one with --sweep` : `--store ${path}: no sweep has run into it`);
}

/** Writes the report of a sweep of an open store into `out`; returns how many files. */
export async function writeSweepReport(store: ResultStore, sweep: string, out: string): Promise<number> {
  const files = await sweepReport(
    {
      sweep,
      rows: store.jobs(sweep),
      artifact: (job) => store.artifacts.read(sweep, job),
      artifactJobs: store.artifacts.jobsWithArtifacts(sweep),
      histories: store.artifacts.histories(sweep),
      artifactProblem: (job) => store.artifacts.problem(sweep, job),
      source: store.path,
    },
    new Date(),
  );
  writeFilesAtomically(files.map((f) => ({ path: join(out, f.name), text: f.text })));
  return files.length;
}

/** `report --result FILE --out DIR`: checked before any chart is drawn; the files appear together or not at all. */
async function reportResult(options: ReportOptions): Promise<void> {
  const out = checkOutDir(options.out, '--result');
  const path = options.result!;
  let result;
  try {
    result = readTrainResult(path);
  } catch (error) {
    throw new UsageError(`--result ${(error as Error).message}`);
  }
  const started = performance.now();
  const files = await resultReport(result, path, new Date());
  writeFilesAtomically(files.map((f) => ({ path: join(out, f.name), text: f.text })));
  process.stdout.write(`wrote ${join(out, 'index.html')} (${files.length - 1} charts, ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
}

export function registerReportCommand(program: Command): void {
  const report = program
    .command('report')
    .description('reports as pages of charts: a sweep from its results store (--store), one train result (--result); Table 2 (subcommand)')
    .argument('[spec]', "a sweep's spec: its sweep in its store (results/<name>.sqlite unless --store)")
    .option('--store <file>', "a sweep's results store: every configuration's metrics with 95 % intervals, fields, losses, time and memory")
    .option('--sweep <name>', 'the sweep of the store to report (default: its only one)', collect, [] as string[])
    .option('--result <file>', 'a `mollifier train --out` result: its fields, errors and losses as charts')
    .option('--out <dir>', 'folder for index.html and the charts (SVG)')
    .action((spec: string | undefined, options: ReportOptions) => runReport(spec, options));
  report
    .command('table2')
    .description("the paper's Table 2 (PINN, PirateNet, PINNsFormer × autodiff / mollifier on the three problems) from a store of the examples/table2-*.yaml sweeps")
    .option('--store <file>', 'SQLite results store the sweeps ran into (required)')
    .option('--sweep <name>', 'a sweep of the store to include (repeatable; default: every sweep)', collect, [] as string[])
    .option('--out <file.md>', 'write the report here (default: standard output)')
    .option('--preface <file.md>', 'Markdown written by people (the plan, the protocol, what the numbers say), placed after the summary')
    // `report` declares the same options and parses them wherever they stand: optsWithGlobals merges them in.
    .action((_options: Table2Options, command: Command) => {
      const options = command.optsWithGlobals<Table2Options>();
      if (!options.store) throw new UsageError('report table2: give --store FILE, the store the examples/table2-*.yaml sweeps ran into');
      if (options.out !== undefined) {
        if (extname(options.out) !== '.md') throw new UsageError(`--out ${options.out}: the report is Markdown, name it .md`);
        checkOutputPath(options.out);
      }
      const preface = options.preface === undefined ? undefined : readPreface(options.preface);
      const store = new ResultStore(options.store, { create: false });
      try {
        const known = store.sweeps();
        const missing = options.sweep.find((name) => !known.includes(name));
        if (missing) throw new UsageError(`--sweep ${missing}: not in ${options.store} (it has ${known.join(', ') || 'no sweeps'})`);
        const rows = (options.sweep.length ? options.sweep : known).flatMap((name) => store.jobs(name));
        const command = ['mollifier report table2', `--store ${options.store}`, ...options.sweep.map((s) => `--sweep ${s}`), ...(options.out ? [`--out ${options.out}`] : [])].join(' ');
        const text = table2Markdown(rows, { command: options.preface ? `${command} --preface ${options.preface}` : command, storePath: options.store, generated: new Date(), ...(preface ? { preface } : {}) });
        if (options.out) {
          writeFilesAtomically([{ path: options.out, text }]);
          process.stdout.write(`wrote ${options.out} (${rows.length} runs)\n`);
        } else process.stdout.write(text);
      } finally {
        store.close();
      }
    });
}
