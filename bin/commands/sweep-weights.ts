// `mollifier sweep weights [SPEC] --job ID --out DIR`: a job's final weights, kept by a sweep with `keep-weights`,
// written as model.json and weights.bin (bin/weights-files.ts). Reads the store only: no TensorFlow here.
import type { Command } from 'commander';
import { join } from 'node:path';
import { UsageError } from '../usage-error.js';
import { checkOutputDir, writeFilesAtomically } from '../output.js';
import { weightsFiles } from '../weights-files.js';
import { openTarget, storeTarget, type StoreTargetOptions } from './sweep-store.js';

interface WeightsOptions extends StoreTargetOptions {
  job: string;
  out: string;
}

export function registerSweepWeights(sweep: Command): void {
  sweep
    .command('weights')
    .description("write a job's final weights (a sweep run with keep-weights: true) as model.json and weights.bin")
    .argument('[spec]', "the sweep's spec: its sweep in its store (results/<name>.sqlite unless --store)")
    .option('--store <file>', 'SQLite results store')
    .option('--sweep <name>', 'the sweep of the store (default: its only one)')
    .requiredOption('--job <id>', 'the job: its id, or a prefix of it that names one job (`sweep status --json` lists them)')
    .requiredOption('--out <dir>', 'folder for model.json and weights.bin')
    .action((specPath: string | undefined, options: WeightsOptions) => {
      if (!/^[0-9a-f]{1,16}$/.test(options.job)) throw new UsageError(`--job ${options.job}: a job id is up to 16 hex digits`);
      checkOutputDir(options.out, '--out', 'model.json');
      const target = storeTarget('sweep weights', specPath, options);
      const store = openTarget(target);
      try {
        const sweeps = target.sweep !== undefined ? [target.sweep] : store.sweeps();
        if (sweeps.length !== 1) throw new UsageError(`--store ${target.path} holds ${sweeps.length} sweeps (${sweeps.join(', ')}): name one with --sweep`);
        const name = sweeps[0]!;
        const matches = store.jobs(name).filter((row) => row.id.startsWith(options.job));
        if (matches.length !== 1) throw new UsageError(`--job ${options.job}: ${matches.length === 0 ? 'no job' : `${matches.length} jobs`} of sweep ${name} ${matches.length === 0 ? 'has that id' : 'start so; give more digits'}`);
        const job = matches[0]!;
        const weights = store.artifacts.weights(name, job.id);
        if (!weights) {
          const why = job.status !== 'done' ? `it ended ${job.status}` : store.artifacts.problem(name, job.id) ?? 'its sweep did not keep weights (keep-weights: true in the spec)';
          throw new UsageError(`--job ${job.id}: no weights stored: ${why}`);
        }
        writeFilesAtomically(weightsFiles(options.out, weights, { sweep: name, job: job.id, store: target.path }));
        process.stdout.write(`wrote ${join(options.out, 'model.json')} and weights.bin (${weights.specs.length} tensors, ${(weights.data.length / 1024).toFixed(1)} KiB) of job ${job.id}\n`);
      } finally {
        store.close();
      }
    });
}
