// Random search (Bergstra & Bengio, JMLR 2012): a sweep's configurations drawn from one distribution per option
// instead of a grid's cartesian product, so each option is tried at `count` distinct values, not a handful.
// The draws come from one seeded generator in a fixed order, so a spec and its search-seed always plan the same jobs.
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { mersenne } from 'pure-rand/generator/mersenne';
import { z } from 'zod';

export const distributionNames = ['uniform', 'loguniform', 'int', 'choice'] as const;

/**
 * Drawn floats are rounded to this many significant digits: a job's options (and so its id, its group and the
 * table's columns) read `0.00123457`, not `0.0012345678901234567`, and print the same on every machine.
 */
export const significantDigits = 6;

/** The largest search-seed: the generator is seeded with 32 bits (MT19937's own seeding). */
export const searchSeedMax = 2 ** 32 - 1;

const bound = z.number();
const range = { min: bound, max: bound };

/**
 * One parameter's distribution, as a spec writes it. `values` of a choice take any option value (the schema the
 * spec passes): they are checked as job options afterwards, each at its own position.
 */
export function parameterSchema<V extends z.ZodType>(value: V) {
  return z
    .discriminatedUnion(
      'distribution',
      [
        z.strictObject({ distribution: z.literal('uniform'), ...range }),
        z.strictObject({ distribution: z.literal('loguniform'), ...range }),
        z.strictObject({ distribution: z.literal('int'), min: z.number().int('int bounds are integers'), max: z.number().int('int bounds are integers') }),
        z.strictObject({ distribution: z.literal('choice'), values: z.array(value).min(1, 'a choice needs at least one value') }),
      ],
      {
        error: (issue) => {
          if (issue.code !== 'invalid_union') return undefined;
          const given = (issue.input as { distribution?: unknown } | undefined)?.distribution;
          return given === undefined
            ? `a parameter needs a distribution: ${distributionNames.join(', ')}`
            : `unknown distribution ${JSON.stringify(given)}: expected ${distributionNames.join(', ')}`;
        },
      },
    )
    .superRefine((parameter, context) => {
      if (parameter.distribution === 'choice') return;
      if (!(parameter.min < parameter.max)) context.addIssue({ code: 'custom', path: ['max'], message: `max must be greater than min (${parameter.min})` });
      if (parameter.distribution === 'loguniform' && !(parameter.min > 0)) context.addIssue({ code: 'custom', path: ['min'], message: 'a loguniform min must be > 0 (it is drawn uniformly in log space)' });
    });
}

export type Parameter = z.infer<ReturnType<typeof parameterSchema<z.ZodType<unknown>>>>;

export const roundSignificant = (x: number): number => Number(x.toPrecision(significantDigits));

/** Rounding may carry a value just past a bound written with more digits: the bounds are promised, so clamp. */
const within = (x: number, min: number, max: number) => Math.min(max, Math.max(min, roundSignificant(x)));

/** A value inside the distribution's range that is not an integer, where there is one: to test an option's type. */
export function fractionalSample(parameter: Parameter): number | undefined {
  if (parameter.distribution !== 'uniform' && parameter.distribution !== 'loguniform') return undefined;
  const mid = parameter.distribution === 'uniform' ? (parameter.min + parameter.max) / 2 : Math.sqrt(parameter.min * parameter.max);
  for (const x of [mid, parameter.min + (parameter.max - parameter.min) / 3, parameter.min + (parameter.max - parameter.min) / Math.PI]) {
    const value = within(x, parameter.min, parameter.max);
    if (!Number.isInteger(value)) return value;
  }
  return undefined;
}

/**
 * `count` configurations, each one value per parameter, drawn configuration by configuration with the parameters
 * in sorted name order (code-unit order, not the locale's). The draws of a configuration depend on every
 * parameter before it, so adding or renaming a parameter changes the draws that follow: a different search.
 * Configurations are returned as drawn, duplicates included; the caller collapses them.
 */
export function drawConfigurations(parameters: Readonly<Record<string, Parameter>>, count: number, seed: number): Array<Record<string, unknown>> {
  const rng = mersenne(seed);
  const names = Object.keys(parameters).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const configurations: Array<Record<string, unknown>> = [];
  for (let c = 0; c < count; c++) {
    const configuration: Record<string, unknown> = {};
    for (const name of names) {
      const parameter = parameters[name]!;
      switch (parameter.distribution) {
        case 'uniform':
          configuration[name] = within(parameter.min + uniformFloat64(rng) * (parameter.max - parameter.min), parameter.min, parameter.max);
          break;
        case 'loguniform': {
          const [low, high] = [Math.log(parameter.min), Math.log(parameter.max)];
          configuration[name] = within(Math.exp(low + uniformFloat64(rng) * (high - low)), parameter.min, parameter.max);
          break;
        }
        case 'int':
          configuration[name] = uniformInt(rng, parameter.min, parameter.max);
          break;
        case 'choice':
          configuration[name] = parameter.values[uniformInt(rng, 0, parameter.values.length - 1)];
          break;
      }
    }
    configurations.push(configuration);
  }
  return configurations;
}
