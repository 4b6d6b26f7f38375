export { AutodiffError } from './errors.js';
export { partialDerivatives, partialDerivativesOfOutputs, planExpansions, type PointFunction, type MultiIndex } from './partials.js';
export { derivative1d, derivatives1d, derivatives1dOfOutputs, maxOrder1d } from './derivatives1d.js';
export { operators2d, operators2dOfOutputs, laplacian2d, biharmonic2d, operatorNames2d, type Operator2d } from './operators2d.js';
