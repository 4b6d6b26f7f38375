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

/** Job id: every option, the seed included (defaults applied first, so `model: pinn` and no model agree). */
export function jobIdOf(options: Record<string, unknown>): string {
  return stableId({ job: options });
}

/** Group id: the job's options without the seed — the runs that statistics pool. */
export function groupIdOf(options: Record<string, unknown>): string {
  const { seed: _seed, ...rest } = options;
  return stableId({ group: rest });
}
