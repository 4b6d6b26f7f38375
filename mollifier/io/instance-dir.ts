// Instance directories (fields.csv + meta.json) on disk: the fs edge of instance-format.ts.
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProblemError, builtinInstanceShapes, type InstanceShapes, type ProblemInstance } from '../pdes/types.js';
import { readText } from './files.js';
import { checkInstance, formatFieldsCsv, formatMeta, parseFieldsCsv, parseMeta } from './instance-format.js';

export const instanceFiles = { fields: 'fields.csv', meta: 'meta.json' } as const;

let createdByCache: string | null = null;

/** 'mollifier-layers <version>' from the package.json above this module (source or dist), else the bare name. */
export function createdBy(): string {
  if (createdByCache !== null) return createdByCache;
  createdByCache = 'mollifier-layers';
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 5; up++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'mollifier-layers' && typeof pkg.version === 'string') {
        createdByCache = `mollifier-layers ${pkg.version}`;
        break;
      }
    } catch {
      // no package.json at this level
    }
  }
  return createdByCache;
}

/** A directory holding only meta.json (required) and fields.csv: one writeInstance may replace. */
function isInstanceDir(entries: string[]): boolean {
  return entries.includes(instanceFiles.meta) && entries.every((name) => name === instanceFiles.meta || name === instanceFiles.fields);
}

/**
 * Writes `instance` to directory `dir` (fields.csv + meta.json). The files go into a temporary sibling
 * `.<name>.tmp-XXXXXX`, renamed to `dir` once complete; on any failure the temporary directory is removed
 * and `dir` is untouched. An existing `dir` is replaced only after the new one is complete, and only when it
 * is empty or an instance directory (nothing but meta.json and fields.csv); anything else is a ProblemError,
 * so a mistyped path never deletes unrelated files. Missing parent directories are created.
 */
export function writeInstance(dir: string, instance: ProblemInstance, shapes: InstanceShapes = builtinInstanceShapes): void {
  checkInstance(instance, 'instance', shapes);
  const target = resolve(dir);
  const parent = dirname(target);
  const name = basename(target);
  const exists = existsSync(target);
  if (exists) {
    if (!lstatSync(target).isDirectory()) throw new ProblemError(`${dir}: exists and is not a directory; not replacing it with an instance`);
    const entries = readdirSync(target);
    if (entries.length > 0 && !isInstanceDir(entries)) {
      throw new ProblemError(`${dir}: exists and holds ${entries.slice(0, 5).join(', ')}${entries.length > 5 ? ', …' : ''}, not just an instance's meta.json and fields.csv; not replacing it`);
    }
  }
  mkdirSync(parent, { recursive: true });
  const temporary = mkdtempSync(join(parent, `.${name}.tmp-`));
  try {
    writeFileSync(join(temporary, instanceFiles.meta), formatMeta(instance, createdBy(), shapes));
    writeFileSync(join(temporary, instanceFiles.fields), formatFieldsCsv(instance, 'instance', shapes));
    if (exists) {
      const old = mkdtempSync(join(parent, `.${name}.old-`));
      renameSync(target, join(old, name));
      try {
        renameSync(temporary, target);
      } catch (error) {
        renameSync(join(old, name), target);
        rmSync(old, { recursive: true, force: true });
        throw error;
      }
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(temporary, target);
    }
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
}

/** Reads and validates an instance directory; fields come back row-major on meta.json's grid. */
export function readInstance(dir: string, shapes: InstanceShapes = builtinInstanceShapes): ProblemInstance {
  const metaFile = join(dir, instanceFiles.meta);
  const csvFile = join(dir, instanceFiles.fields);
  const meta = parseMeta(readText(metaFile, 'instance metadata (an instance directory holds meta.json and fields.csv)'), metaFile, shapes);
  const fields = parseFieldsCsv(readText(csvFile, `instance fields (${meta.problem})`), csvFile, meta, metaFile);
  return { problem: meta.problem, case: meta.case, grid: meta.grid, fields, parameters: meta.parameters, seed: meta.seed };
}
