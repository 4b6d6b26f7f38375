// What a job reads and records besides training: its instance (simulated, an instance directory, or COMSOL exports),
// the truths it is scored against, and the machine and versions it ran on. Shared by the trained job (job.ts) and
// the no-network baseline (no-network.ts), so both score the same instance the same way.
import { createRequire } from 'node:module';
import { cpus, platform, release, totalmem } from 'node:os';
import { readComsolField, readInstance, readParamField } from '../io/index.js';
import { instanceShapesWith, type TrainingProblem } from '../problems/index.js';
import { cropField } from '../pdes/grid-ops.js';
import { ProblemError, type ProblemInstance } from '../pdes/types.js';
import type { TrainingData } from './data.js';
import type { ResolvedJobConfig } from './job.js';

export function loadInstance(config: ResolvedJobConfig, problem: TrainingProblem): ProblemInstance {
  if (config.data) {
    const instance = readInstance(config.data, instanceShapesWith([problem]));
    if (instance.problem !== config.pde) throw new ProblemError(`${config.data} holds a ${instance.problem} instance, not ${config.pde}`);
    return instance;
  }
  if (config.phiN && config.phiD) {
    const phiN = readComsolField(config.phiN);
    const edge = { periodicEdge: phiN.droppedPeriodicEdge ? ('drop' as const) : ('keep' as const) };
    const phiD = readComsolField(config.phiD, edge);
    if (phiN.grid.nx !== phiD.grid.nx || phiN.grid.ny !== phiD.grid.ny) throw new ProblemError(`${config.phiD}: its grid does not match ${config.phiN}`);
    const fields: Record<string, Float64Array> = { phi_n: phiN.values, phi_d: phiD.values };
    if (config.truth) {
      const truth = readComsolField(config.truth, edge);
      if (truth.grid.nx !== phiN.grid.nx || truth.grid.ny !== phiN.grid.ny) throw new ProblemError(`${config.truth}: its grid ${truth.grid.nx}×${truth.grid.ny} does not match ${config.phiN}`);
      fields[problem.parameter] = truth.values;
    }
    return { problem: config.pde, case: 'comsol', grid: phiN.grid, fields, parameters: {}, seed: 0 };
  }
  return problem.simulate({
    ...(config.paramField ? { paramField: readParamField(config.paramField, problem) } : { ...(config.case !== undefined ? { case: config.case } : {}), ...(config.grid !== undefined ? { grid: config.grid } : {}) }),
    ...(config.noise !== undefined ? { noise: config.noise } : {}),
    ...(config.k !== undefined ? { k: config.k } : {}),
    ...(config.interfaceLength !== undefined ? { interfaceLength: config.interfaceLength } : {}),
    seed: config.seed,
  });
}

/** The channels' fields as the instance holds them (before noise and sampling), on the estimate nodes. */
export function trueFields(data: TrainingData, trim: number): Record<string, number[]> {
  return Object.fromEntries(data.channels.map((name) => [name, Array.from(cropField(data.instance.fields[name]!, data.grid, trim))]));
}

/** The true Laplacian of the observed field on the estimate nodes, where the problem knows it. */
export function trueLaplacian(data: TrainingData, trim: number): Float64Array | undefined {
  const full = data.problem.trueLaplacian?.(data.instance);
  return full ? cropField(full, data.grid, trim) : undefined;
}

/** What the job ran on, so a result read later (a sweep's store, a report) can say which machine timed it. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  memory_gib: number;
  platform: string;
}

export function machine(): MachineInfo {
  return { cpu: cpus()[0]?.model.trim() ?? 'unknown', cores: cpus().length, memory_gib: Math.round(totalmem() / 2 ** 30), platform: `${platform()} ${release()}` };
}

export function versions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const version = (name: string) => {
    try {
      return (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  };
  return { node: process.version, tfjs: version('@tensorflow/tfjs-core') };
}
