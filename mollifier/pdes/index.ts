export {
  ProblemError,
  problemNames,
  problemFields,
  problemParameter,
  problemDims,
  gridSize,
  gridCoordinates,
  type ProblemName,
  type ProblemInstance,
  type Grid,
  type Grid1d,
  type Grid2d,
} from './types.js';
export { seededNormals, uniformGenerator, deriveSeed } from './random.js';
export { simulateLangevin, integrateLangevin, langevinCases, langevinDefaults, type LangevinCase, type LangevinOptions } from './langevin.js';
export { simulateHeat, solveSteadyHeat, heatCases, heatDefaults, unitSquareGrid, type HeatCase, type HeatOptions } from './heat.js';
export {
  simulateReactionDiffusion,
  reactionDiffusionDefaults,
  chromatinFields,
  parameterCase,
  periodicSquareGrid,
  rdCases,
  reactionDiffusionResidualFloat64,
  structureFactorWavelength,
  type RdCase,
  type ReactionDiffusionOptions,
  type ReactionDiffusionResult,
} from './reaction-diffusion.js';
export { simulateProblem, type SimulateOptions } from './simulate.js';
export {
  langevinResidual,
  langevinSeparable,
  heatResidual,
  heatSeparable,
  chromatinResidual,
  chromatinSeparable,
  chromatinLaplacianMuD,
  chromatinDefaults,
  type ChromatinConstants,
  type ChromatinTerms,
  type HeatTerms,
  type LangevinTerms,
} from './residuals.js';
export { observe, observeRelative, sampleNodes, assertFraction, defaultObservedFraction, type Observation, type ObservationOptions } from './observation.js';
export { cropField, cropGrid } from './grid-ops.js';
export { interpolateOnGrid, interpolationMaxPoints } from './interpolation.js';
export { simulateDecay, integrateDecay, decayCases, decayDefaults, type DecayOptions } from './decay.js';
