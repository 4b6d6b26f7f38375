// `mollifier storm-simulate`: synthetic STORM localisations of a simulated nucleus (a simulated chromatin instance folder), in
// ThunderSTORM's CSV layout, and the true k on the same grid: the validation input of `mollifier storm`.
import type { Command } from 'commander';
import { readInstance, formatNumber } from '../../mollifier/io/index.js';
import { gridCoordinates } from '../../mollifier/pdes/types.js';
import { syntheticLocalisations, syntheticStormDefaults, stormParameter, stormProblem, thunderstormCsv } from '../../mollifier/storm/index.js';
import { checkOutputPath, writeFilesAtomically } from '../output.js';
import { parseInteger, parseNumber, parsePositive } from '../parse.js';
import { UsageError } from '../usage-error.js';

interface SimulateOptions {
  out: string;
  truthOut?: string;
  seed: number;
  perArea: number;
  blinks: number;
  blur: number;
  background: number;
  nmPerUnit: number;
}

export function registerStormSimulate(program: Command): void {
  const d = syntheticStormDefaults;
  program
    .command('storm-simulate')
    .description('synthetic STORM localisations (ThunderSTORM CSV, nm) of a simulated chromatin nucleus, intensity ∝ φ_h, with blinking, labelling blur and localisation precision; and its true k')
    .argument('<instance>', `a simulated ${stormProblem} instance folder (mollifier simulate ${stormProblem} --out DIR)`)
    .requiredOption('--out <file>', 'localisations CSV to write')
    .option('--truth-out <file>', `the true ${stormParameter} per node (x,y,${stormParameter}); default <out>.truth.csv`)
    .option('--seed <s>', 'seed of the draw', parseInteger('--seed'), 0)
    .option('--per-area <n>', 'expected localisations per µm² where φ_h = 1', parsePositive('--per-area'), d.perArea)
    .option('--blinks <n>', 'mean localisations per molecule (≥ 1)', parsePositive('--blinks'), d.blinks)
    .option('--blur <nm>', 'labelling blur σ (nm)', parseNumber('--blur'), d.blur * 1000)
    .option('--background <n>', 'uniform background localisations per µm²', parseNumber('--background'), d.background)
    .option('--nm-per-unit <nm>', 'nanometres per domain unit', parsePositive('--nm-per-unit'), 1000)
    .action((dir: string, options: SimulateOptions) => {
      const truthOut = options.truthOut ?? `${options.out}.truth.csv`;
      checkOutputPath(options.out);
      checkOutputPath(truthOut, '--truth-out');
      if (options.blinks < 1) throw new UsageError(`--blinks ${options.blinks} must be ≥ 1`);
      if (options.blur < 0 || options.background < 0) throw new UsageError('--blur and --background must be ≥ 0');
      const instance = readInstance(dir);
      const k = instance.fields[stormParameter];
      if (instance.problem !== stormProblem || instance.grid.dims !== 2 || !instance.grid.periodic || !k) throw new UsageError(`${dir}: not a periodic simulated ${stormProblem} instance with its true ${stormParameter}`);
      const phi_h = instance.fields.phi_n!.map((n, i) => (1 - n + instance.fields.phi_d![i]!) / 2);
      const unit = options.nmPerUnit / 1000;
      const locs = syntheticLocalisations(phi_h, instance.grid, { ...d, seed: options.seed, perArea: options.perArea * unit * unit, blinks: options.blinks, blur: options.blur / options.nmPerUnit, background: options.background * unit * unit, psf: (d.psf * 1000) / options.nmPerUnit });
      const [x, y] = gridCoordinates(instance.grid);
      const truth = [`x,y,${stormParameter}`, ...Array.from(k, (v, i) => `${formatNumber(x![i]!)},${formatNumber(y![i]!)},${formatNumber(v)}`)].join('\n');
      writeFilesAtomically([{ path: options.out, text: thunderstormCsv(locs, options.nmPerUnit) }, { path: truthOut, text: `${truth}\n` }]);
      process.stdout.write(`${locs.x.length} localisations in ${options.out}; true ${stormParameter} in ${truthOut}\n`);
    });
}
