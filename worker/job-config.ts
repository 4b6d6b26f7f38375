// A train job's wire options (kebab-case, protocol/job-options.ts) → the science library's JobConfig
// (camelCase): the same names, one rule, no per-option code (test/job-options.test.ts checks the names agree).
import type { TrainOptions } from '../protocol/index.js';
import type { JobConfig } from '../mollifier/index.js';

/** `obs-noise` → `obsNoise`, `phi-n` → `phiN`. */
export function camelCaseOf(name: string): string {
  return name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

export function jobConfigOf(options: TrainOptions): JobConfig {
  const { kind: _kind, ...rest } = options;
  return Object.fromEntries(Object.entries(rest).map(([name, value]) => [camelCaseOf(name), value])) as unknown as JobConfig;
}

/** Nested metrics (the direct estimate's, versions) → one flat map of wire values. */
export function flattenMetrics(metrics: object, prefix = ''): Record<string, number | string | boolean | null> {
  const out: Record<string, number | string | boolean | null> = {};
  for (const [key, value] of Object.entries(metrics)) {
    const name = prefix ? `${prefix}_${key}` : key;
    if (value === null || typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') {
      out[name] = typeof value === 'number' && !Number.isFinite(value) ? null : value;
    } else if (typeof value === 'object') Object.assign(out, flattenMetrics(value as object, name));
  }
  return out;
}
