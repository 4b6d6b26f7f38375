export { fieldMean, fieldStd, pearson } from './statistics.js';
