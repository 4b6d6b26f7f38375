// One table of job options (protocol/job-options.ts): the wire schema, the train command's options and the
// job configuration derive from it. These checks keep it in agreement with the science library: names (at compile
// time), enums, generic defaults, and the per-problem defaults the train command's help prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { builtinProblemNames, trainOptionsSchema, trainOptionTable, type TrainOptionName } from '../protocol/index.js';
import type { JobConfig } from '../mollifier/training/job.js';
import { jobDefaults } from '../mollifier/training/job.js';
import { problemNames } from '../mollifier/pdes/types.js';
import { modelNames, modelPresets } from '../mollifier/models/types.js';
import { derivativeMethods } from '../mollifier/training/train.js';
import { noNetworkModel } from '../mollifier/training/no-network.js';
import { kernelFamilies } from '../mollifier/kernels/index.js';
import { boundaryModes } from '../mollifier/layer/index.js';
import { defaultFamily, defaultRadius } from '../mollifier/layer/defaults.js';
import { scheduleDefaults } from '../mollifier/training/schedule.js';
import { defaultObservedFraction } from '../mollifier/pdes/observation.js';
import { camelCaseOf, jobConfigOf } from '../worker/job-config.js';

// Compile-time: every option of the table is a JobConfig field under its camelCase name, and every field an option.
type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// (`problem`, a value, is the library's own: a job names its problem, never carries code.)
const namesAgree: Same<CamelCase<TrainOptionName>, Exclude<keyof JobConfig, 'problem'>> = true;

const cli = fileURLToPath(new URL('../../bin/mollifier', import.meta.url));

test('the table\'s enums are the science library\'s lists', () => {
  assert.ok(namesAgree);
  const choices = (name: TrainOptionName) => {
    const argument = trainOptionTable[name].argument;
    return typeof argument === 'object' ? [...argument.choices] : [];
  };
  assert.deepEqual([...builtinProblemNames], [...problemNames], 'the wire contract knows the built-in problems by their names');
  assert.deepEqual(choices('model'), [...modelNames, noNetworkModel]);
  assert.deepEqual(choices('derivatives'), [...derivativeMethods]);
  assert.deepEqual(choices('family').sort(), [...kernelFamilies].sort());
  assert.deepEqual(choices('boundary'), [...boundaryModes]);
  assert.deepEqual(choices('preset'), [...modelPresets]);
});

test('the table\'s defaults are the library\'s, and an option with a per-problem default has none in the schema', () => {
  const parsed = trainOptionsSchema.parse({ pde: 'heat' });
  assert.equal(parsed.family, defaultFamily);
  assert.equal(parsed.radius, defaultRadius);
  assert.equal(parsed.lr, scheduleDefaults.initial);
  assert.equal(parsed.sample, defaultObservedFraction);
  const perProblem = Object.entries(trainOptionTable).filter(([, row]) => 'perProblem' in row && row.perProblem).map(([name]) => name);
  assert.deepEqual(perProblem.sort(), ['case', 'collocation-batch', 'epochs', 'fourier-band', 'fourier-count', 'grid', 'pde-warmup']);
  for (const name of perProblem) assert.equal((parsed as Record<string, unknown>)[name], undefined, `${name} is resolved by the problem, not the schema`);
  for (const name of perProblem) assert.ok(camelCaseOf(name) in jobDefaults.heat, `${name} has a per-problem default`);
  // The wire options of a job become its configuration by name alone.
  const config = jobConfigOf(trainOptionsSchema.parse({ pde: 'rd', 'obs-noise': 0.05, 'phi-n': 'a.csv', 'phi-d': 'b.csv', 'fourier-band': [1, 2] }));
  assert.equal(config.obsNoise, 0.05);
  assert.equal(config.phiN, 'a.csv');
  assert.deepEqual(config.fourierBand, [1, 2]);
});

test('regression: train --help shows every option of the table and the per-problem defaults the code uses (it said rd 64 where the code used 256)', () => {
  const help = spawnSync(process.execPath, [cli, 'train', '--help'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ');
  for (const name of Object.keys(trainOptionTable)) assert.ok(help.includes(`--${name} `), `--${name} in the help`);
  assert.match(help, new RegExp(`--collocation-batch <n> .*rd ${jobDefaults.rd.collocationBatch}`));
  assert.match(help, new RegExp(`--epochs <n> .*langevin ${jobDefaults.langevin.epochs}, heat ${jobDefaults.heat.epochs}, rd ${jobDefaults.rd.epochs}`));
  const bad = spawnSync(process.execPath, [cli, 'train', '--pde', 'heat', '--radius', '0', '--out', '/tmp/never.json'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr.trim(), /^mollifier: --radius 0: /);
});
