// Which layer operators a problem needs: shared by training (training/strategies.ts) and the no-network
// estimate (problems/estimate.ts), so both mollify the same terms.
import { ProblemError } from '../pdes/types.js';
import { operators1d, type FieldOperator, type Operator1d, type TrainingProblem } from './types.js';

/** Every operator the problem reads of any channel, in the order first declared, the value first (the data term's). */
export function layerOperators(problem: TrainingProblem): FieldOperator[] {
  const all = ['value', ...Object.values(problem.derivatives).flat()] as FieldOperator[];
  return all.filter((op, i) => all.indexOf(op) === i);
}

/** The derivative order of a 1D operator (`dtt` → 2). */
export function orderOf(operator: FieldOperator): number {
  const order = operators1d.indexOf(operator as Operator1d);
  if (order < 0) throw new ProblemError(`'${operator}' is not a 1D derivative (${operators1d.join(', ')})`);
  return order;
}
