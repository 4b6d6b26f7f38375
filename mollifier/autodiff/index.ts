export { AutodiffError } from './errors.js';
export { partialDerivatives, planExpansions, type PointFunction, type MultiIndex } from './partials.js';
export { derivative1d, derivatives1d, maxOrder1d } from './derivatives1d.js';
export { operators2d, laplacian2d, biharmonic2d, operatorNames2d, type Operator2d } from './operators2d.js';
