// Stable ids: the same options always hash to the same id, whatever their order in the spec.
import { createHash } from 'node:crypto';

/** JSON with sorted keys and no undefined members. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** 16 hex digits of sha256 over the canonical JSON. */
export function stableId(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);
}

/**
 * What decides a job's result besides its options: the training code's defaults for its problem (a digest,
 * protocol/job-options.ts) and the contents of the files it reads (protocol/fingerprint.ts).
 */
export interface JobContext {
  defaults?: string;
  inputs?: Record<string, string>;
}

/** The context as hashed: absent parts left out, so a job with neither has the id it always had. */
const contextOf = (context: JobContext) => ({
  ...(context.defaults !== undefined ? { defaults: context.defaults } : {}),
  ...(context.inputs && Object.keys(context.inputs).length ? { inputs: context.inputs } : {}),
});

/** Job id: every option, the seed included (defaults applied first, so `model: pinn` and no model agree), and its context. */
export function jobIdOf(options: Record<string, unknown>, context: JobContext = {}): string {
  return stableId({ job: options, ...contextOf(context) });
}

/**
 * Group id: the job's options without the seed and its context — the runs that statistics pool. Options that go
 * with the seed (a spec's `cycle`), and the fingerprints of the files they name, are left out too.
 */
export function groupIdOf(options: Record<string, unknown>, context: JobContext = {}, withSeed: readonly string[] = []): string {
  const rest = Object.fromEntries(Object.entries(options).filter(([key]) => key !== 'seed' && !withSeed.includes(key)));
  const inputs = context.inputs ? Object.fromEntries(Object.entries(context.inputs).filter(([key]) => !withSeed.includes(key))) : undefined;
  return stableId({ group: rest, ...contextOf({ ...context, ...(inputs ? { inputs } : {}) }) });
}
