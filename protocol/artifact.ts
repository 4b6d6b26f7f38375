// A job's artifact: what a sweep keeps of a run beyond its scalars (the recovered parameter, field and
// Laplacian on the grid, their truths where known, the loss history). Float arrays travel as little-endian
// float32 in base64 and the whole is deflated, so a 64×64 job's artifact is tens of KiB; a large one is cut
// into parts that each fit a message (limits.ts), published before the result that names it.
import { createHash, randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { z } from 'zod';
import { limits } from './limits.js';

/** The content's own version: a reader refuses another (the store keeps the bytes, not a reinterpretation). */
export const artifactFormat = 1;

const float32Text = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'float32 values in base64');
const grid = z.discriminatedUnion('dims', [
  z.strictObject({ dims: z.literal(1), n: z.number().int().positive(), t0: z.number(), dt: z.number() }),
  z.strictObject({ dims: z.literal(2), nx: z.number().int().positive(), ny: z.number().int().positive(), x0: z.number(), y0: z.number(), hx: z.number(), hy: z.number(), periodic: z.boolean().optional() }),
]);

/** tfjs's weights manifest entry, as much of it as our float32 weights use. */
const weightSpec = z.looseObject({ name: z.string().min(1).max(256), shape: z.array(z.number().int().nonnegative()).max(8), dtype: z.literal('float32') });
const weightsSchema = z.strictObject({
  /** The architecture's description (name and resolved sizes): what rebuilds a model these weights fit. */
  model: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  specs: z.array(weightSpec).max(10_000),
  /** The values in specs order, little-endian float32, base64. */
  data: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/),
});

const wireSchema = z.strictObject({
  format: z.literal(artifactFormat),
  grid,
  parameter_name: z.string().min(1).max(64),
  /** Named arrays on the grid's nodes: parameter, parameter_true, laplacian, laplacian_true, field.<name>, field_true.<name>. */
  arrays: z.record(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/), float32Text),
  history: z.strictObject({ epoch: float32Text, loss: float32Text, data: float32Text, pde: float32Text }).nullable(),
  /** The final weights, when the sweep keeps them (`keep-weights`). */
  weights: weightsSchema.optional(),
});

export interface ArtifactWeights {
  model: Record<string, number | string | boolean>;
  specs: Array<{ name: string; shape: number[]; dtype: 'float32' }>;
  data: Uint8Array;
}

export type ArtifactGrid = z.infer<typeof grid>;

/** An artifact in memory: arrays by name (see wireSchema), every one with a value per grid node. */
export interface ArtifactContent {
  grid: ArtifactGrid;
  parameter_name: string;
  arrays: Record<string, Float32Array>;
  history: { epoch: Float32Array; loss: Float32Array; data: Float32Array; pde: Float32Array } | null;
  weights?: ArtifactWeights;
}

/** Nodes of a grid: the length every array of an artifact has. */
export function nodesOf(grid: ArtifactGrid): number {
  return grid.dims === 1 ? grid.n : grid.nx * grid.ny;
}

export function float32Base64(values: ArrayLike<number>): string {
  const array = values instanceof Float32Array ? values : Float32Array.from(values);
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

export function float32FromBase64(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 4 !== 0) throw new Error(`${bytes.length} bytes is not a whole number of float32 values`);
  // Copied into its own buffer: Buffer.from may share a pool whose offset is not 4-byte aligned.
  const copy = new Uint8Array(bytes);
  return new Float32Array(copy.buffer, 0, copy.length / 4);
}

/** The artifact as the bytes that travel and are stored (deflated JSON); throws past limits.artifactBytes. */
export function encodeArtifact(content: ArtifactContent): Uint8Array {
  const nodes = nodesOf(content.grid);
  for (const [name, values] of Object.entries(content.arrays)) {
    if (values.length !== nodes) throw new TypeError(`artifact array ${name} holds ${values.length} values, the grid ${nodes}`);
  }
  const wire = {
    format: artifactFormat,
    grid: content.grid,
    parameter_name: content.parameter_name,
    arrays: Object.fromEntries(Object.entries(content.arrays).map(([name, values]) => [name, float32Base64(values)])),
    history: content.history && {
      epoch: float32Base64(content.history.epoch),
      loss: float32Base64(content.history.loss),
      data: float32Base64(content.history.data),
      pde: float32Base64(content.history.pde),
    },
    ...(content.weights ? { weights: { model: content.weights.model, specs: content.weights.specs, data: Buffer.from(content.weights.data).toString('base64') } } : {}),
  };
  const bytes = deflateRawSync(JSON.stringify(wire));
  if (bytes.length > limits.artifactBytes) throw new RangeError(`the job's artifact is ${(bytes.length / 2 ** 20).toFixed(1)} MiB deflated: at most ${limits.artifactBytes / 2 ** 20} MiB (a smaller grid)`);
  return bytes;
}

/** The content of artifact bytes, or an Error whose message is one line naming what is wrong. */
export function decodeArtifact(bytes: Uint8Array): ArtifactContent {
  let value: unknown;
  try {
    // The bound keeps a small malicious message from inflating into all of memory.
    value = JSON.parse(inflateRawSync(bytes, { maxOutputLength: limits.artifactBytes * 8 }).toString('utf8'));
  } catch (error) {
    throw new Error(`not an artifact (${(error as Error).message.split('\n')[0]})`);
  }
  const parsed = wireSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`not an artifact: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  const wire = parsed.data;
  const nodes = nodesOf(wire.grid);
  const arrays: Record<string, Float32Array> = {};
  for (const [name, text] of Object.entries(wire.arrays)) {
    const values = float32FromBase64(text);
    if (values.length !== nodes) throw new Error(`not an artifact: array ${name} holds ${values.length} values, the grid ${nodes}`);
    arrays[name] = values;
  }
  let history: ArtifactContent['history'] = null;
  if (wire.history) {
    const h = { epoch: float32FromBase64(wire.history.epoch), loss: float32FromBase64(wire.history.loss), data: float32FromBase64(wire.history.data), pde: float32FromBase64(wire.history.pde) };
    if (new Set([h.epoch.length, h.loss.length, h.data.length, h.pde.length]).size !== 1) throw new Error('not an artifact: the history columns differ in length');
    history = h;
  }
  let weights: ArtifactWeights | undefined;
  if (wire.weights) {
    const data = new Uint8Array(Buffer.from(wire.weights.data, 'base64'));
    const values = wire.weights.specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
    if (data.length !== values * 4) throw new Error(`not an artifact: the weights hold ${data.length} bytes, their specs ${values} float32 values`);
    weights = { model: wire.weights.model, specs: wire.weights.specs.map((s) => ({ name: s.name, shape: s.shape, dtype: s.dtype })), data };
  }
  return { grid: wire.grid, parameter_name: wire.parameter_name, arrays, history, ...(weights ? { weights } : {}) };
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A fresh artifact id: a rerun of the same job sends another, so parts of two tries never mix. */
export function newArtifactId(): string {
  return randomBytes(8).toString('hex');
}

/** The bytes cut into message-sized parts (base64 each); at least one part. */
export function artifactParts(bytes: Uint8Array): string[] {
  const size = limits.artifactPartBytes;
  const parts: string[] = [];
  for (let at = 0; at < bytes.length || parts.length === 0; at += size) parts.push(Buffer.from(bytes.subarray(at, at + size)).toString('base64'));
  return parts;
}
