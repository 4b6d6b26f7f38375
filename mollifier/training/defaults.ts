// The defaults that decide what a training job computes when its options leave them out, per problem. A sweep's
// job id includes their digest (protocol/job-options.ts keeps it; test/job-identity.test.ts recomputes it from
// here with the orchestrator's stableId), so a changed default makes new jobs instead of reusing old results.
import { defaultObservedFraction } from '../pdes/observation.js';
import { pinnPresets } from '../models/pinn.js';
import { pirateNetPresets } from '../models/piratenet.js';
import { pinnsFormerPresets } from '../models/pinnsformer.js';
import type { TrainingProblem } from '../problems/index.js';
import { initialFieldHeadScale } from './job.js';
import { scheduleDefaults } from './schedule.js';

/** The defaults every problem's jobs share (a user's problem, whose own defaults its module's digest covers, too). */
export function sharedTrainingDefaults(): object {
  return {
    observedFraction: defaultObservedFraction,
    schedule: scheduleDefaults,
    initialFieldHeadScale,
    models: { pinn: pinnPresets, piratenet: pirateNetPresets, pinnsformer: pinnsFormerPresets },
  };
}

/** Every default a job of this problem depends on: the problem's own, the simulator's, and the shared ones. */
export function trainingDefaultsOf(problem: TrainingProblem): object {
  const { collocationBatch, ...own } = problem.defaults;
  return { problem: own, simulation: problem.simulationDefaults, collocationBatch, ...sharedTrainingDefaults() };
}
