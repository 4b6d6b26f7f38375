export { operators1d, termKey, type FieldOperator, type Operator1d, type ProblemDefaults, type ResidualContext, type TermMap, type TrainingProblem } from './types.js';
export { builtinProblems, heat, langevin, rd } from './builtin.js';
