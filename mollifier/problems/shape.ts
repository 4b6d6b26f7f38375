// How instance files of a user's problem are read and written: the built-in shapes plus its own.
import { builtinInstanceShapes, type InstanceShapes } from '../pdes/types.js';
import { instanceFieldsOf, type TrainingProblem } from './types.js';

/** The instance shapes of the built-in problems and of `problems` (their fields: channels, parameter, sources). */
export function instanceShapesWith(problems: readonly TrainingProblem[]): InstanceShapes {
  return (name) => {
    const own = problems.find((p) => p.name === name);
    return own ? { dims: own.dims, fields: instanceFieldsOf(own), optional: [own.parameter] } : builtinInstanceShapes(name);
  };
}
