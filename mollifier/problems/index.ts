export { instanceFieldsOf, operators1d, termKey, type FieldOperator, type Operator1d, type ForwardProblem, type PinnNetwork, type ProblemDefaults, type ResidualContext, type TermMap, type TrainingProblem } from './types.js';
export { builtinProblem, builtinProblems, decay, heat, langevin, rd } from './builtin.js';
export { layerOperators, orderOf } from './operators.js';
export { separableEstimate, withMeasurementNoise, type EstimateOptions, type EstimateSummary, type SeparableEstimate } from './estimate.js';
export { chooseRadius, noiseSigma, lepskiThreshold, type RadiusChoice, type RadiusCandidate } from './radius-choice.js';
export { checkProblemValue, loadProblem } from './load.js';
export { instanceShapesWith } from './shape.js';
