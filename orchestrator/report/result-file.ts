// What `mollifier report --result` reads: a train result (`mollifier train --out`), checked field by field so a
// wrong or truncated file is one line naming what is wrong, not a crash halfway through the pictures.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const numbers = z.array(z.number().nullable()).transform((values) => values.map((v) => (v === null ? NaN : v)));
const grid = z.discriminatedUnion('dims', [
  z.object({ dims: z.literal(1), n: z.number().int().positive(), t0: z.number(), dt: z.number() }),
  z.object({ dims: z.literal(2), nx: z.number().int().positive(), ny: z.number().int().positive(), x0: z.number(), y0: z.number(), hx: z.number(), hy: z.number() }),
]);

export const trainResultSchema = z.object({
  config: z.looseObject({ pde: z.string(), model: z.string(), derivatives: z.string(), seed: z.number(), epochs: z.number() }),
  status: z.enum(['completed', 'diverged', 'failed']),
  reason: z.string().optional(),
  metrics: z.record(z.string(), z.unknown()).nullable(),
  fields: z
    .object({
      grid,
      parameter_name: z.string().optional(),
      parameter: numbers,
      parameter_true: numbers.nullable(),
      field: z.record(z.string(), numbers),
      field_true: z.record(z.string(), numbers).optional(),
      laplacian: numbers.nullable(),
      laplacian_true: numbers.nullable().optional(),
    })
    .nullable(),
  history: z.object({ epoch: z.array(z.number()), loss: numbers, data: numbers, pde: numbers }).nullable().optional(),
});

export type TrainResultFile = z.infer<typeof trainResultSchema>;
export type ReportGrid = z.infer<typeof grid>;

/** The result at `path`, or an Error whose message is one line naming the file and what is wrong. */
export function readTrainResult(path: string): TrainResultFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: not JSON (${(error as Error).message.split('\n')[0]})`);
  }
  const parsed = trainResultSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${path}: not a train result: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  const fields = parsed.data.fields;
  if (fields) {
    const nodes = fields.grid.dims === 1 ? fields.grid.n : fields.grid.nx * fields.grid.ny;
    const sized: Array<[string, number[] | null | undefined]> = [
      ['fields.parameter', fields.parameter],
      ['fields.parameter_true', fields.parameter_true],
      ['fields.laplacian', fields.laplacian],
      ['fields.laplacian_true', fields.laplacian_true],
      ...Object.entries(fields.field).map(([name, v]) => [`fields.field.${name}`, v] as [string, number[]]),
      ...Object.entries(fields.field_true ?? {}).map(([name, v]) => [`fields.field_true.${name}`, v] as [string, number[]]),
    ];
    for (const [name, values] of sized) {
      if (values && values.length !== nodes) throw new Error(`${path}: not a train result: ${name} holds ${values.length} values, the grid ${nodes}`);
    }
  }
  return parsed.data;
}
