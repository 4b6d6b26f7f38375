// The three problems of the paper, by name: the values training dispatches through (it knows none by name).
import type { ProblemName } from '../pdes/types.js';
import type { TrainingProblem } from './types.js';
import { langevin } from './langevin.js';
import { heat } from './heat.js';
import { rd } from './rd.js';

export const builtinProblems: Record<ProblemName, TrainingProblem> = { langevin, heat, rd };
export { langevin, heat, rd };
