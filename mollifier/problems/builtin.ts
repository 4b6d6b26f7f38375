// The problems of the paper, by name: its three inverse problems and its forward toy problem (B.5). The values
// training dispatches through (it knows none by name).
import type { ProblemName } from '../pdes/types.js';
import type { TrainingProblem } from './types.js';
import { langevin } from './langevin.js';
import { heat } from './heat.js';
import { rd } from './rd.js';
import { decay } from './decay.js';

export const builtinProblems: Record<ProblemName, TrainingProblem> = { langevin, heat, rd, decay };
export { langevin, heat, rd, decay };

/** The built-in problem of that name, if there is one. */
export const builtinProblem = (name: string): TrainingProblem | undefined => (Object.hasOwn(builtinProblems, name) ? builtinProblems[name as ProblemName] : undefined);
