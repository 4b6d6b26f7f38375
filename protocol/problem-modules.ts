// A user's own problems: ES modules in folders the operator names (`--problems DIR`), one problem per file,
// named by the file (`DIR/divergence-heat.mjs` is the problem `divergence-heat`). This side only finds and
// fingerprints them, without loading them, so the orchestrator stays free of the science library; the
// worker and the train command load them (mollifier/problems/load.ts). A job names a problem, never code.
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { InputError } from './errors.js';
import { fingerprintPath } from './fingerprint.js';

/** The paper's problems, which every worker has: its three inverse ones and its forward toy problem (B.5). */
export const builtinProblemNames = ['langevin', 'heat', 'rd', 'decay'] as const;
export type BuiltinProblemName = (typeof builtinProblemNames)[number];

/** What a problem may be called: it becomes a file name, a metric label and part of a subject-free job. */
export const problemNamePattern = /^[a-z][a-z0-9-]{0,39}$/;
export const problemNameRule = 'lower-case letters, digits and dashes, starting with a letter, at most 40 characters';

/** File extensions read as problem modules (plain ES modules; TypeScript compiles to these). */
export const problemModuleExtensions = ['.mjs', '.js'] as const;

export interface ProblemModule {
  name: string;
  /** Absolute, symlinks resolved. */
  file: string;
  /** sha256 of the file (protocol/fingerprint.ts): part of the ids of the jobs that use it. */
  digest: string;
}

export class ProblemModuleError extends InputError {
  override name = 'ProblemModuleError';
}

export const isBuiltinProblem = (name: string): name is BuiltinProblemName => (builtinProblemNames as readonly string[]).includes(name);

/**
 * The problem modules in the given folders (not below them), in name order. Every `.mjs`/`.js` file is one;
 * other files are ignored. A missing folder, a file name that is not a problem name, a name that a built-in
 * problem or another folder already has: one line naming it.
 */
export function problemModulesIn(dirs: readonly string[]): ProblemModule[] {
  const found = new Map<string, ProblemModule>();
  for (const dir of dirs) {
    let entries: string[];
    try {
      if (!statSync(dir).isDirectory()) throw new Error('not a folder');
      entries = readdirSync(dir).sort();
    } catch (error) {
      throw new ProblemModuleError(`--problems ${dir}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder' : (error as Error).message}`);
    }
    for (const entry of entries) {
      const extension = extname(entry);
      if (!(problemModuleExtensions as readonly string[]).includes(extension)) continue;
      const path = join(dir, entry);
      if (!statSync(path).isFile()) continue;
      const name = basename(entry, extension);
      if (!problemNamePattern.test(name)) throw new ProblemModuleError(`--problems ${dir}: ${entry} is not named after a problem (${problemNameRule})`);
      if (isBuiltinProblem(name)) throw new ProblemModuleError(`--problems ${dir}: ${entry} would replace the built-in problem ${name}; name it otherwise`);
      const other = found.get(name);
      if (other) throw new ProblemModuleError(`--problems ${dir}: ${entry} names the problem ${name}, which ${other.file} already defines`);
      const file = realpathSync(resolve(path));
      found.set(name, { name, file, digest: fingerprintPath(file) });
    }
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The names a job may use, for error messages: the built-in ones and those found. */
export function knownProblemsText(modules: readonly ProblemModule[]): string {
  const own = modules.map((m) => m.name);
  return `${builtinProblemNames.join(', ')}${own.length ? `, or from --problems: ${own.join(', ')}` : ' (load your own with --problems DIR)'}`;
}
