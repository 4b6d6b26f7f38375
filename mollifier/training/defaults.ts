// The defaults that decide what a training job computes when its options leave them out, per problem, and
// their digest. A sweep's job id includes the digest (protocol/job-options.ts keeps a copy that a test checks),
// so a changed default makes new jobs instead of silently reusing results trained under the old one.
import { createHash } from 'node:crypto';
import { defaultObservedFraction } from '../pdes/observation.js';
import { pinnPresets } from '../models/pinn.js';
import { pirateNetPresets } from '../models/piratenet.js';
import { pinnsFormerPresets } from '../models/pinnsformer.js';
import type { ProblemName } from '../pdes/types.js';
import { builtinProblems } from '../problems/index.js';
import { initialFieldHeadScale } from './job.js';
import { scheduleDefaults } from './schedule.js';

/** Every default a job of this problem depends on: the problem's own, the simulator's, and the shared ones. */
export function trainingDefaultsOf(problem: ProblemName): object {
  const { collocationBatch, ...own } = builtinProblems[problem].defaults;
  return {
    problem: own,
    simulation: builtinProblems[problem].simulationDefaults,
    collocationBatch,
    observedFraction: defaultObservedFraction,
    schedule: scheduleDefaults,
    initialFieldHeadScale,
    models: { pinn: pinnPresets, piratenet: pirateNetPresets, pinnsformer: pinnsFormerPresets },
  };
}

/** JSON with sorted keys, so the digest does not depend on the order the code lists things in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** 16 hex digits of sha256 over the problem's defaults. */
export function trainingDefaultsDigest(problem: ProblemName): string {
  return createHash('sha256').update(canonical(trainingDefaultsOf(problem))).digest('hex').slice(0, 16);
}
