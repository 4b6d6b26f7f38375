// `--problems DIR`: the operator's own problems for train, simulate, estimate and the embedded sweep. The
// folders are listed and fingerprinted by protocol/problem-modules.ts; the modules are loaded (and checked)
// by the science library, imported only when a command loads them (the orchestrator's commands and the GPU
// supervisor must not load TensorFlow). A job only ever names a problem.
import { InvalidArgumentError, type Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import type { TrainingProblem } from '../mollifier/index.js';
import { knownProblemsText, problemModulesIn, type ProblemModule } from '../protocol/index.js';
import { UsageError } from './usage-error.js';

export const problemsHelp = 'a folder of your own problem modules (NAME.mjs exporting a problem value, docs in examples/problems/); repeatable';

/** `--problems DIR`, repeatable: each an existing folder. */
export function collectProblemsDir(value: string, previous: string[]): string[] {
  if (!existsSync(value) || !statSync(value).isDirectory()) throw new InvalidArgumentError(`--problems ${value}: no such folder`);
  return [...previous, value];
}

export function addProblemsOption<C extends Command>(command: C): C {
  command.option('--problems <dir>', problemsHelp, collectProblemsDir, [] as string[]);
  return command;
}

/** The problem modules of the folders given, each loaded once and checked, so a bad one stops a worker at its start. */
export async function checkedProblemModules(dirs: readonly string[]): Promise<ProblemModule[]> {
  const modules = problemModulesIn(dirs);
  const { loadProblem } = await import('../mollifier/index.js');
  for (const module of modules) await loadProblem(module.file, { name: module.name, version: module.digest });
  return modules;
}

/** The problem called `name`: built in, or loaded (and checked) from one of the folders; else one line naming the known ones. */
export async function problemNamed(name: string, dirs: readonly string[]): Promise<TrainingProblem> {
  const { builtinProblem, loadProblem } = await import('../mollifier/index.js');
  const builtin = builtinProblem(name);
  if (builtin) return builtin;
  const modules = problemModulesIn(dirs);
  const own = modules.find((m) => m.name === name);
  if (!own) throw new UsageError(`'${name}' is not a problem: expected ${knownProblemsText(modules)}`);
  return loadProblem(own.file, { name, version: own.digest });
}

