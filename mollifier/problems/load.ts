// A user's problem from their own ES module: imported, then checked field by field, so a mistake in it is one
// line naming the module and the field before any training starts, not a TypeError deep in a job.
import { pathToFileURL } from 'node:url';
import { ProblemError } from '../pdes/types.js';
import { operators2d } from '../kernels/index.js';
import { activations } from '../nets/mlp.js';
import { operators1d, type TrainingProblem } from './types.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isName = (v: unknown): v is string => typeof v === 'string' && /^[A-Za-z][A-Za-z0-9_]*$/.test(v);
const shown = (v: unknown) => (typeof v === 'function' ? 'a function' : JSON.stringify(v) ?? String(v));

/**
 * Checks that `value` is a usable TrainingProblem named `name` (when given); the ProblemError names `where`
 * and the first bad field. Returns it typed.
 */
export function checkProblemValue(value: unknown, where: string, name?: string): TrainingProblem {
  const fail = (field: string, expected: string, got: unknown): never => {
    throw new ProblemError(`${where}: problem.${field} is ${shown(got)}, expected ${expected}`);
  };
  if (!isObject(value)) throw new ProblemError(`${where}: exports ${shown(value)}, not a problem (export default { name, dims, channels, parameter, ... }: mollifier/problems/types.ts)`);
  const p = value;
  if (typeof p.name !== 'string') fail('name', 'a string', p.name);
  if (name !== undefined && p.name !== name) fail('name', `'${name}' (the module's file name)`, p.name);
  if (p.dims !== 1 && p.dims !== 2) fail('dims', '1 or 2', p.dims);
  if (!Array.isArray(p.channels) || p.channels.length === 0 || !p.channels.every(isName)) fail('channels', 'a non-empty list of field names', p.channels);
  if (!isName(p.parameter)) fail('parameter', 'a field name', p.parameter);
  if (typeof p.positiveParameter !== 'boolean') fail('positiveParameter', 'true or false', p.positiveParameter);
  if (!Array.isArray(p.sources) || !p.sources.every(isName)) fail('sources', 'a list of field names (may be empty)', p.sources);
  const channels = p.channels as string[];
  const fields = [...channels, p.parameter as string, ...(p.sources as string[])];
  const repeated = fields.find((f, i) => fields.indexOf(f) !== i);
  if (repeated) fail('channels', `names distinct from the parameter and the sources (${repeated} appears twice)`, p.channels);
  const operators: readonly string[] = p.dims === 1 ? operators1d : operators2d;
  if (!isObject(p.derivatives)) fail('derivatives', 'an object: per channel (or the parameter), the operators the residual reads', p.derivatives);
  for (const [of, list] of Object.entries(p.derivatives as object)) {
    if (!channels.includes(of) && of !== p.parameter) fail(`derivatives.${of}`, `a channel (${channels.join(', ')}) or the parameter ${String(p.parameter)}`, of);
    if (!Array.isArray(list) || !list.every((op) => operators.includes(op))) fail(`derivatives.${of}`, `a list of ${p.dims}D operators (${operators.join(', ')})`, list);
  }
  for (const channel of channels) {
    const list = (p.derivatives as Record<string, unknown[]>)[channel];
    if (!list || list[0] !== 'value') fail(`derivatives.${channel}`, "a list starting with 'value' (the data term fits it)", list);
  }
  for (const fn of ['residual', 'residualScale', 'simulate'] as const) if (typeof p[fn] !== 'function') fail(fn, 'a function', p[fn]);
  for (const fn of ['separable', 'trueLaplacian', 'constantsOf'] as const) if (p[fn] !== undefined && typeof p[fn] !== 'function') fail(fn, 'a function or nothing', p[fn]);
  if (p.reportedLaplacian !== undefined && typeof p.reportedLaplacian !== 'string') fail('reportedLaplacian', "a term such as 'u:laplacian' or nothing", p.reportedLaplacian);
  if (!isObject(p.simulationDefaults)) fail('simulationDefaults', 'an object (the simulator settings that decide the data)', p.simulationDefaults);
  if (p.parameterBound !== undefined && !(isObject(p.parameterBound) && Number.isFinite(p.parameterBound.min) && typeof p.parameterBound.strict === 'boolean')) {
    fail('parameterBound', '{ min: number, strict: boolean } or nothing', p.parameterBound);
  }
  const d = p.defaults;
  if (!isObject(d)) fail('defaults', 'an object { case, grid, epochs, pdeWarmup, fourierBand, fourierCount, collocationBatch }', d);
  const defaults = d as Record<string, unknown>;
  const positiveInteger = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
  if (typeof defaults.case !== 'string' || defaults.case === '') fail('defaults.case', 'a non-empty string', defaults.case);
  for (const key of ['grid', 'epochs', 'fourierCount', 'collocationBatch']) if (!positiveInteger(defaults[key])) fail(`defaults.${key}`, 'an integer > 0', defaults[key]);
  if (!(typeof defaults.pdeWarmup === 'number' && defaults.pdeWarmup >= 0 && defaults.pdeWarmup < 1)) fail('defaults.pdeWarmup', 'a number in [0, 1)', defaults.pdeWarmup);
  const band = defaults.fourierBand;
  if (!(Array.isArray(band) && band.length === 2 && band.every((v) => typeof v === 'number' && v > 0) && band[0] <= band[1])) fail('defaults.fourierBand', '[min, max] with 0 < min ≤ max', band);
  const pinn = defaults.pinn;
  if (pinn !== undefined) {
    const n = isObject(pinn) ? pinn : {};
    const ok = isObject(pinn) && positiveInteger(n.width) && positiveInteger(n.depth) && (activations as readonly unknown[]).includes(n.activation) && ['fourier', 'layerNorm', 'residual'].every((k) => typeof n[k] === 'boolean');
    if (!ok) fail('defaults.pinn', `{ width, depth (integers > 0), activation (${activations.join(', ')}), fourier, layerNorm, residual (true or false) } or nothing`, pinn);
  }
  if (p.forward !== undefined) {
    if (!(isObject(p.forward) && typeof p.forward.observed === 'function')) fail('forward', '{ observed(grid) → node indices } or nothing', p.forward);
    // A known parameter is data on the grid, with no network behind it to differentiate (the autodiff path).
    const own = (p.derivatives as Record<string, unknown[]>)[p.parameter as string];
    if (own?.some((op) => op !== 'value')) fail(`derivatives.${String(p.parameter)}`, 'no derivatives of the parameter in a forward problem (its parameter is known data)', own);
  }
  return value as unknown as TrainingProblem;
}

/**
 * Imports a problem module (its default export, or an export named `problem`) and checks it. `version` (the
 * file's digest) makes a changed file load afresh instead of from the module cache.
 */
export async function loadProblem(file: string, options: { name?: string; version?: string } = {}): Promise<TrainingProblem> {
  const url = `${pathToFileURL(file).href}${options.version ? `?v=${options.version}` : ''}`;
  let module: Record<string, unknown>;
  try {
    module = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    throw new ProblemError(`${file}: cannot load the problem module: ${reason}`);
  }
  return checkProblemValue(module.default ?? module.problem, file, options.name);
}
