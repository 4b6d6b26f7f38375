// `mollifier storm`: STORM localisations (or a processed φ_n field) → density → chromatin fields → k(x, y) by a
// mollified network, several seeds as one sweep (embedded lanes, or NATS workers), then the mean map, its spread
// across seeds and pictures (docs/storm.md). `mollifier storm-simulate`: synthetic localisations of a simulated
// nucleus, with its true k on the same grid, for validation.
import { InvalidArgumentError, type Command } from 'commander';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { createHash } from 'node:crypto';
import { limits } from '../../protocol/index.js';
import { parseSpec } from '../../orchestrator/spec.js';
import { ResultStore } from '../../orchestrator/store.js';
import { runSweep } from '../../orchestrator/sweep-runner.js';
import { logger } from '../../mollifier/core.js';
import { writeInstance } from '../../mollifier/io/index.js';
import { lengthUnits, pixelValues, stormParameter, stormProblem, type LengthUnit, type PixelValues } from '../../mollifier/storm/index.js';
import { checkOutputDir } from '../output.js';
import { parseChoice, parseCount, parseInteger, parsePositive } from '../parse.js';
import { UsageError } from '../usage-error.js';
import { registerNatsOptions, type NatsCliOptions } from './nats-options.js';
import { embeddedLaneNames, openSweepTransport } from './sweep-transport.js';
import { parseAnchors, stormFields, type StormInputOptions } from './storm-input.js';
import { acrossSeeds, seedMaps, truthScores, writeStormOutput } from './storm-output.js';

interface StormCliOptions extends NatsCliOptions, Omit<StormInputOptions, 'map' | 'origin' | 'bandwidth'> {
  out: string;
  map: string;
  origin: string;
  bandwidth: string;
  seeds: number;
  lanes?: number;
  store?: string;
  model: string;
  radius: number;
  epochs: number;
  interfaceLength: number;
}

/** The defaults [choice], chosen on tuning nuclei (docs/storm.md "Protocol"). */
export const stormDefaults = { grid: 64, bandwidthCount: 400, map: '0.99:0.56', model: 'piratenet', radius: 8, epochs: 1000, seeds: 4, interfaceLength: 0.03, pixelNm: 20 } as const;

const parseOrigin = (text: string): 'auto' | [number, number] => {
  if (text === 'auto') return 'auto';
  const parts = text.split(',').map(Number);
  if (parts.length !== 2 || !parts.every(Number.isFinite)) throw new InvalidArgumentError(`--origin ${text}: 'auto' or x,y in the file's units after conversion (domain units)`);
  return [parts[0]!, parts[1]!];
};

const parseAutoOrNumber = (name: string) => (text: string) => {
  if (text === 'auto') return text;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new InvalidArgumentError(`${name} ${text}: 'auto' or a number`);
  return text;
};

export function registerStormCommand(program: Command): void {
  registerNatsOptions(
    program
      .command('storm')
      .description('infer the methylation rate k(x, y) from STORM localisations (or a processed φ_n field): density, chromatin fields, a mollified network over several seeds; writes k.csv, k_sd.csv, images and result.json')
      .argument('[localisations]', 'CSV of localisations: x, y [, frame, photons, uncertainty] (ThunderSTORM, Picasso, or plain; see docs/storm.md)')
      .requiredOption('--out <dir>', 'output folder')
      .option('--phi-n <file>', 'a processed nucleoplasm field (CSV index, X, Y, Phiw) instead of localisations')
      .option('--units <unit>', `units of x, y where the header does not say: ${lengthUnits.join(', ')} (default domain)`, parseChoice('--units', lengthUnits))
      .option('--pixel-size <nm>', 'camera pixel size in nm, for coordinates in pixels (Picasso)', parsePositive('--pixel-size'))
      .option('--nm-per-unit <nm>', 'nanometres per domain unit (1000: the domain in µm)', parsePositive('--nm-per-unit'), 1000)
      .option('--domain <length>', 'side of the square domain, domain units', parsePositive('--domain'), 10)
      .option('--origin <x,y>', "the domain's lower-left corner, or 'auto' (centred on the localisations)", 'auto')
      .option('--periodic', 'the nucleus is periodic (a synthetic one, from storm-simulate)', false)
      .option('--grid <n>', 'analysis grid: nodes per axis', parseInteger('--grid'), stormDefaults.grid)
      .option('--bandwidth <b>', "Nadaraya-Watson bandwidth (domain units), or 'auto'", parseAutoOrNumber('--bandwidth'), 'auto')
      .option('--bandwidth-count <n>', "'auto' bandwidth: localisations a kernel holds on average", parsePositive('--bandwidth-count'), stormDefaults.bandwidthCount)
      .option('--pixel <nm>', 'image pixel for the density (nm)', parsePositive('--pixel'), stormDefaults.pixelNm)
      .option('--pixel-values <kind>', `pixel values: ${pixelValues.join(' (localisations per pixel), ')} (1 where any: the paper's binary image)`, parseChoice('--pixel-values', pixelValues), 'counts' as PixelValues)
      .option('--map <anchors>', 'density → φ_h: quantile:level[,quantile:level]', stormDefaults.map)
      .option('--calibration <n>', 'localisations per µm² where φ_h = 1 (a calibrated labelling): fixes the scale of φ_h, and so the level of k; without it --map guesses the scale', parsePositive('--calibration'))
      .option('--mean-phi-n <value>', 'mean φ_n of the nucleus (localisations)', parsePositive('--mean-phi-n'), 0.5)
      .option('--mu-n <value>', "φ_n input: the uniform μ_n, or 'auto' (midpoint of the admissible interval)", parseAutoOrNumber('--mu-n'), 'auto')
      .option('--truth <file>', 'CSV x,y,k of the true k on the analysis grid, to score against (storm-simulate writes one)')
      .option('--interface-length <l>', 'interface length l of the residual', parsePositive('--interface-length'), stormDefaults.interfaceLength)
      .option('--model <name>', "base architecture: pinn, piratenet, pinnsformer, or 'none' (no network: the separable estimate on the mapped fields, the baseline)", stormDefaults.model)
      .option('--radius <cells>', 'mollifier kernel radius in grid cells', parseInteger('--radius'), stormDefaults.radius)
      .option('--epochs <n>', 'training steps', parseInteger('--epochs'), stormDefaults.epochs)
      .option('--seeds <n>', 'networks trained, each from its own seed', parseCount('--seeds', limits.seedsPerSweep), stormDefaults.seeds)
      .option('--lanes <n>', `embedded mode: job lanes (default: CPU cores; at most ${limits.lanesPerProcess})`, parseCount('--lanes', limits.lanesPerProcess))
      .option('--store <file>', 'results store (default <out>/storm.sqlite)'),
  ).action(async (file: string | undefined, options: StormCliOptions) => {
    if (file && options.phiN) throw new UsageError('give localisations or --phi-n, not both');
    if (options.nats && options.lanes !== undefined) throw new UsageError('--lanes is for the embedded mode; with --nats, start workers with `mollifier worker`');
    if (!['pinn', 'piratenet', 'pinnsformer', 'none'].includes(options.model)) throw new UsageError(`--model ${options.model}: pinn, piratenet, pinnsformer, or none (no network: the separable estimate on the fields)`);
    checkOutputDir(options.out, '--out', 'result.json');
    const started = Date.now();
    const input: StormInputOptions = {
      ...options,
      map: parseAnchors(options.map),
      origin: parseOrigin(options.origin),
      bandwidth: options.bandwidth === 'auto' ? 'auto' : Number(options.bandwidth),
      muN: options.muN === 'auto' ? 'auto' : Number(options.muN),
      pixel: options.pixel / options.nmPerUnit,
      units: options.units as LengthUnit | undefined,
    };
    const prepared = stormFields(file, input);
    const boundary = prepared.domain.periodic ? 'periodic' : 'reflect';
    // The instance the jobs read; its contents (hashed) name the sweep, so a rerun on the same data resumes.
    const out = resolve(options.out);
    mkdirSync(out, { recursive: true });
    const instanceDir = join(out, 'instance');
    writeInstance(instanceDir, prepared.instance);
    const digest = createHash('sha256').update(readFileSync(join(instanceDir, 'fields.csv'))).digest('hex').slice(0, 12);
    const base = { pde: stormProblem, data: instanceDir, model: options.model, derivatives: 'mollifier', radius: options.radius, boundary, sample: 1, 'interface-length': options.interfaceLength, epochs: options.epochs };
    const name = `storm-${digest}`;
    const specText = stringify({ name, description: `mollifier storm on ${file ?? options.phiN}`, seeds: options.seeds, base });
    const spec = parseSpec(specText, join(out, 'storm-sweep.yaml'));
    const store = new ResultStore(options.store ?? join(out, 'storm.sqlite'), { create: true });
    const log = logger().child({ sweep: name });
    const laneNames = options.nats ? [] : embeddedLaneNames(options.lanes);
    const { transport, stopWorkers } = await openSweepTransport({ ...options, problems: [] }, { laneNames, dataRoots: [out], problems: [] }, log);
    const controller = new AbortController();
    const onSignal = () => controller.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      process.stderr.write(`storm: ${options.seeds} networks on ${prepared.domain.n}×${prepared.domain.n} nodes (${options.nats ? 'NATS workers' : `${laneNames.length} lanes`}); store ${store.path}\n`);
      const outcome = await runSweep({ spec, specText, store, transport, log, signal: controller.signal });
      if (outcome.interrupted) {
        store.requeueRunning(name);
        process.stderr.write(`storm interrupted: finished networks are in ${store.path}; run the same command again to resume\n`);
        process.exitCode = 130;
        return;
      }
      const seeds = seedMaps(store, name, prepared.domain);
      if (seeds.maps.length === 0) throw new UsageError(`no network finished (${seeds.jobs.map((j) => j.status).join(', ')}): see \`mollifier sweep status --store ${store.path} --sweep ${name}\``);
      const { mean, sd } = acrossSeeds(seeds.maps);
      const truth = prepared.instance.fields[stormParameter];
      const scored = truth ? truthScores(mean, truth, prepared.instance.grid, { radius: options.radius, boundary }) : undefined;
      const finite = Array.from(mean).filter(Number.isFinite);
      const result = {
        command: 'mollifier storm',
        ...prepared.choices,
        training: { problem: stormProblem, sweep: name, store: store.path, spec: { seeds: options.seeds, ...base }, lanes: options.nats ? 'NATS workers' : laneNames.length, jobs: seeds.jobs },
        k: { mean: finite.reduce((a, v) => a + v, 0) / finite.length, nodes: finite.length, seeds_done: seeds.maps.length, sd_mean: Array.from(sd).filter(Number.isFinite).reduce((a, v, _i, all) => a + v / all.length, 0), ...(scored ? { truth: scored.scores } : {}) },
        wall_s: (Date.now() - started) / 1000,
      };
      const written = writeStormOutput({ dir: out, domain: prepared.domain, mean, sd, maps: prepared.maps, ...(scored && truth ? { truth: { values: truth, smoothed: scored.smoothed } } : {}), result });
      process.stdout.write(`${written.length} files in ${out}: ${written.map((p) => p.slice(out.length + 1)).join(', ')}\n`);
      process.stdout.write(`mean k ${result.k.mean.toFixed(4)} over ${seeds.maps.length} seeds${scored ? `; against the truth: corr ${scored.scores.corr.toFixed(3)}, smoothed ${scored.scores.corr_smoothed.toFixed(3)}, mean ${scored.scores.truth_mean.toFixed(4)} (rel. err ${(100 * scored.scores.mean_rel_err).toFixed(2)} %)` : ''}; ${result.wall_s.toFixed(0)} s\n`);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await stopWorkers();
      await transport.close();
      store.close();
    }
  });
}
