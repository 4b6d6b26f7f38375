// Which store, and which sweep of it, a command reads: a spec (its default store, as `sweep run` writes it, and
// its name), --store, or both (that store, the spec's sweep). `sweep table` and `sweep status` use it; any other
// command that reads a store (a `report --store`, bin/commands/report.ts) takes a spec the same way, storeTarget
// then openTarget, so a spec means one store everywhere.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { problemModulesIn } from '../../protocol/index.js';
import { readSpec } from '../../orchestrator/spec.js';
import { ResultStore } from '../../orchestrator/store.js';
import { UsageError } from '../usage-error.js';

/** Where `sweep run SPEC` keeps a sweep's results unless --store says otherwise. */
export const defaultStore = (name: string) => join('results', `${name}.sqlite`);

export interface StoreTargetOptions {
  store?: string;
  sweep?: string;
  /** --problems: a spec naming the operator's own problems is read as `sweep run` reads it. */
  problems?: string[];
}

export interface StoreTarget {
  path: string;
  /** The one sweep to read (the spec's, or --sweep); undefined: every sweep of the store. */
  sweep: string | undefined;
  /** The spec it came from, for messages. */
  specPath: string | undefined;
}

/** The store and sweep named by a spec positional and/or --store and --sweep; bad input is a UsageError. */
export function storeTarget(command: string, specPath: string | undefined, options: StoreTargetOptions): StoreTarget {
  if (specPath === undefined) {
    if (options.store === undefined) throw new UsageError(`${command}: give a spec (its store is results/<name>.sqlite, as \`sweep run SPEC\` writes it) or --store FILE`);
    return { path: options.store, sweep: options.sweep, specPath };
  }
  const spec = readSpec(specPath, { problems: problemModulesIn(options.problems ?? []) });
  if (options.sweep !== undefined) throw new UsageError(`--sweep ${options.sweep}: the spec ${specPath} names its sweep (${spec.name}); give a spec or --sweep, not both`);
  const path = options.store ?? defaultStore(spec.name);
  if (options.store === undefined && !existsSync(path)) throw new UsageError(`${command} ${specPath}: no store at ${path}: sweep ${spec.name} has not run yet (\`mollifier sweep run ${specPath}\` writes it there; give --store FILE if it ran into another)`);
  return { path, sweep: spec.name, specPath };
}

/** Opens the target's store (it must exist) and checks that the sweep asked for is in it. */
export function openTarget(target: StoreTarget): ResultStore {
  const store = new ResultStore(target.path, { create: false });
  if (target.sweep !== undefined && !store.sweeps().includes(target.sweep)) {
    const sweeps = store.sweeps();
    store.close();
    const named = target.specPath === undefined ? `--sweep ${target.sweep}` : `sweep ${target.sweep} (${target.specPath})`;
    throw new UsageError(`${named}: not in ${target.path} (sweeps: ${sweeps.join(', ') || 'none'}): it has not run into this store yet`);
  }
  return store;
}
