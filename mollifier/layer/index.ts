export { LayerError } from './errors.js';
export { boundaryModes, assertBoundaryMode, assertAxisFits, type BoundaryMode } from './boundary.js';
export { defaultFamily, defaultRadius } from './defaults.js';
export { Mollifier1d, type Mollifier1dOptions } from './mollifier1d.js';
export { Mollifier2d, type Mollifier2dOptions } from './mollifier2d.js';
export { mollify1d, mollify2d } from './mollify.js';
