// The three problems of the paper, by name: the values training dispatches through (it knows none by name).
import type { ProblemName } from '../pdes/types.js';
import type { TrainingProblem } from './types.js';
import { langevin } from './langevin.js';
import { heat } from './heat.js';
import { rd } from './rd.js';

export const builtinProblems: Record<ProblemName, TrainingProblem> = { langevin, heat, rd };
export { langevin, heat, rd };

/** The built-in problem of that name, if there is one. */
export const builtinProblem = (name: string): TrainingProblem | undefined => (Object.hasOwn(builtinProblems, name) ? builtinProblems[name as ProblemName] : undefined);
