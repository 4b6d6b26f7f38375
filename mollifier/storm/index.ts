// The STORM application (docs/storm.md): localisations → density → chromatin fields, and synthetic nuclei.
export { lengthUnits, parseLocalisations, headerName, type LengthUnit, type Localisations, type LocalisationUnits } from './localisations.js';
export { defaultBandwidth, nadarayaWatsonDensity, nodeCoordinate, nodeSpacing, pixelValues, type DensityOptions, type PixelValues, type SquareDomain } from './density.js';
export { admissibleMuN, defaultPhiMax, fieldsFromPhiH, fieldsFromPhiN, monotoneLimit, phiHFromCalibration, phiHFromDensity, quantileOf, type ChromatinFields, type DensityAnchor } from './chromatin-map.js';
export { fieldDomain, resampleField } from './resample.js';
export { syntheticLocalisations, syntheticStormDefaults, thunderstormCsv, type SyntheticLocalisations, type SyntheticStormOptions } from './synthetic.js';
export { stormLimits } from './limits.js';
import { problemParameter } from '../pdes/types.js';

/** The problem whose parameter the STORM pipeline infers: the chromatin model's methylation rate. */
export const stormProblem = 'rd' as const;
export const stormParameter = problemParameter[stormProblem];
